/** Portfolio: the buyer's RCs (remaining SCU, expiry, escrow), one RC's jobs and listings, listing SCU for sale. */
import { useState } from 'preact/hooks';
import { actionKey } from '../api/client.ts';
import { listingCancelRoute, listingCreateRoute, portfolioRoute, positionRoute } from '../api/routes.ts';
import { call, principal } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue, numberOrText } from '../ui/form.tsx';
import { Acu, Section, Status, When } from '../ui/bits.tsx';
import { sum } from '../money.ts';

export function PortfolioView() {
  const me = principal.value!;
  const pf = useLoad(() => call(portfolioRoute, { params: { userId: me.principalId } }), [me.principalId]);
  const [open, setOpen] = useState<string | null>(null);
  const rcs = pf.data?.reservations ?? [];
  const active = rcs.filter((r) => r.status === 'ACTIVE');
  return (
    <div data-view="portfolio" data-ready={pf.data ? 'true' : undefined}>
      <ErrorBox error={pf.error} />
      <Section title="Reservations" actions={<button onClick={() => void pf.reload()}>Refresh</button>}>
        <p class="summary" data-rc-count={rcs.length}>
          {rcs.length} RCs, {active.length} active: {active.reduce((s, r) => s + r.remainingScu, 0).toLocaleString('en')} SCU remaining, escrow{' '}
          <Acu v={sum(active.map((r) => r.escrow))} /> ACU.
        </p>
        <table class="grid" data-table="rcs">
          <thead>
            <tr>
              <th>RC</th>
              <th>provider</th>
              <th>tenor</th>
              <th>status</th>
              <th class="num">remaining / max SCU</th>
              <th class="num">listed</th>
              <th class="num">lock price</th>
              <th class="num">escrow</th>
              <th>expires</th>
            </tr>
          </thead>
          <tbody>
            {rcs.map((r) => (
              <>
                <tr key={r.rcId} data-rc={r.rcId} class="clickable" onClick={() => setOpen(open === r.rcId ? null : r.rcId)}>
                  <td>
                    <code>{r.rcId}</code>
                    {r.parentRcId ? <span class="muted"> (bought on a listing)</span> : null}
                  </td>
                  <td>{r.providerId}</td>
                  <td>{r.tenor}</td>
                  <td>
                    <Status s={r.status} />
                  </td>
                  <td class="num">
                    {r.remainingScu} / {r.maxScu}
                  </td>
                  <td class="num">{r.listedScu}</td>
                  <td class="num">
                    <Acu v={r.lockPrice} />
                  </td>
                  <td class="num">
                    <Acu v={r.escrow} />
                  </td>
                  <td>
                    <When iso={r.expiresAt} />
                  </td>
                </tr>
                {open === r.rcId ? (
                  <tr key={`${r.rcId}-detail`}>
                    <td colSpan={9}>
                      <Position rcId={r.rcId} active={r.status === 'ACTIVE'} onChange={() => void pf.reload()} />
                    </td>
                  </tr>
                ) : null}
              </>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

function Position({ rcId, active, onChange }: { rcId: string; active: boolean; onChange(): void }) {
  const pos = useLoad(() => call(positionRoute, { params: { rcId } }), [rcId]);
  const [scu, setScu] = useState('');
  const [ask, setAsk] = useState('');
  const list = useAction(() =>
    call(listingCreateRoute, { body: { rcId, scu: numberOrText(scu) as number, askPrice: ask.trim() }, idempotencyKey: actionKey() }),
  );
  const cancel = useAction((id: string) => call(listingCancelRoute, { params: { id } }));
  const after = async (p: Promise<unknown>) => {
    if ((await p) !== undefined) {
      await pos.reload();
      onChange();
    }
  };
  const d = pos.data;
  return (
    <div class="detail" data-position={rcId}>
      <ErrorBox error={pos.error} />
      {d ? (
        <>
          <h3>Jobs drawn from this RC</h3>
          {d.allocations.length === 0 ? <p class="muted">none yet</p> : null}
          <ul>
            {d.allocations.map((a) => (
              <li key={a.jobId}>
                <code>{a.jobId}</code>: {a.scu} SCU, usage fee <Acu v={a.feeUsage} /> (<When iso={a.at} />)
              </li>
            ))}
          </ul>
          <h3>Listings</h3>
          <ul>
            {d.listings.map((l) => (
              <li key={l.listingId} data-listing={l.listingId}>
                <code>{l.listingId}</code> {l.scuAvailable}/{l.scuListed} SCU at <Acu v={l.askPrice} /> <Status s={l.status} />{' '}
                {l.status === 'OPEN' ? <button onClick={() => void after(cancel.run(l.listingId))}>Cancel</button> : null}
              </li>
            ))}
          </ul>
          <ErrorBox error={cancel.error} />
          {active ? (
            <form
              class="form-row"
              onSubmit={(e) => {
                e.preventDefault();
                void after(list.run());
              }}
            >
              <Field label="SCU to list" path="body.scu" error={list.error}>
                <input name="listScu" value={scu} onInput={(e) => setScu(inputValue(e))} />
              </Field>
              <Field label="ask price (ACU/SCU)" path="body.askPrice" error={list.error}>
                <input name="askPrice" value={ask} onInput={(e) => setAsk(inputValue(e))} />
              </Field>
              <button type="submit" disabled={list.busy}>
                List for sale
              </button>
            </form>
          ) : null}
          <ErrorBox error={list.error} />
        </>
      ) : null}
    </div>
  );
}
