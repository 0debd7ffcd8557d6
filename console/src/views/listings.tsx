/** Secondary market: open listings, newest first; buy SCU from one (your own you cancel in the portfolio). */
import { useState } from 'preact/hooks';
import { TENOR_IDS } from '../../../functions/market/domain/catalog.ts';
import { actionKey } from '../api/client.ts';
import { listingsRoute, tradeRoute } from '../api/routes.ts';
import { call, principal } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, When } from '../ui/bits.tsx';
import { inputValue, numberOrText } from '../ui/form.tsx';
import { issuesAt } from '../api/problem.ts';
import { FieldErrors } from '../ui/error.tsx';

export function ListingsView() {
  const me = principal.value!;
  const [tenor, setTenor] = useState('');
  const ls = useLoad(() => call(listingsRoute, { query: tenor ? { tenor } : {} }), [tenor]);
  const [want, setWant] = useState<Record<string, string>>({});
  const [target, setTarget] = useState<string | null>(null);
  const trade = useAction((listingId: string, scu: string) =>
    call(tradeRoute, { body: { listingId, scu: numberOrText(scu) as number }, idempotencyKey: actionKey() }),
  );
  const buy = async (listingId: string) => {
    setTarget(listingId);
    if (await trade.run(listingId, want[listingId] ?? '')) await ls.reload();
  };
  return (
    <div data-view="listings" data-ready={ls.data ? 'true' : undefined}>
      <Section
        title="Open listings"
        actions={
          <select value={tenor} onChange={(e) => setTenor(inputValue(e))} aria-label="tenor">
            <option value="">all tenors</option>
            {TENOR_IDS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        }
      >
        <ErrorBox error={ls.error} />
        {ls.data && ls.data.listings.length === 0 ? <p class="muted">No open listings.</p> : null}
        <table class="grid" data-table="listings">
          <thead>
            <tr>
              <th>listing</th>
              <th>provider</th>
              <th>tenor</th>
              <th class="num">available SCU</th>
              <th class="num">ask</th>
              <th>listed</th>
              <th>buy</th>
            </tr>
          </thead>
          <tbody>
            {(ls.data?.listings ?? []).map((l) => (
              <tr key={l.listingId} data-listing={l.listingId}>
                <td>
                  <code>{l.listingId}</code>
                </td>
                <td>{l.providerId}</td>
                <td>{l.tenor}</td>
                <td class="num">
                  {l.scuAvailable} / {l.scuListed}
                </td>
                <td class="num">
                  <Acu v={l.askPrice} />
                </td>
                <td>
                  <When iso={l.createdAt} />
                </td>
                <td>
                  {l.sellerId === me.principalId ? (
                    <span class="muted">yours</span>
                  ) : (
                    <span class="inline">
                      <input
                        class="small"
                        name="tradeScu"
                        placeholder="SCU"
                        value={want[l.listingId] ?? ''}
                        onInput={(e) => setWant({ ...want, [l.listingId]: inputValue(e) })}
                      />
                      <button disabled={trade.busy} onClick={() => void buy(l.listingId)}>
                        Buy
                      </button>
                      {target === l.listingId ? <FieldErrors issues={issuesAt(trade.error, 'body.scu')} /> : null}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ErrorBox error={trade.error} />
        {trade.result ? (
          <p class="ok" data-trade={trade.result.tradeId}>
            Bought {trade.result.scu} SCU for <Acu v={trade.result.total} /> ACU: new RC <code>{trade.result.buyerRcId}</code> (<When iso={trade.result.at} />
            ).
          </p>
        ) : null}
      </Section>
    </div>
  );
}
