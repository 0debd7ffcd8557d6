/** Quote → buy: the quote's allocations, its expiry counting down, then the RCs bought. */
import { useState } from 'preact/hooks';
import { TENOR_IDS } from '../../../functions/market/domain/catalog.ts';
import { actionKey } from '../api/client.ts';
import { purchaseRoute, quoteRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue, numberOrText } from '../ui/form.tsx';
import { Acu, Section, Status } from '../ui/bits.tsx';
import { Countdown, useSecondsLeft } from '../ui/countdown.tsx';
import { href } from '../router.ts';

export function QuoteView() {
  const [tenor, setTenor] = useState('T30D');
  const [scu, setScu] = useState('50');
  const [gpuProfile, setGpu] = useState('');
  const quote = useAction(() =>
    call(quoteRoute, { body: { tenor, quantityScu: numberOrText(scu) as number, ...(gpuProfile.trim() ? { gpuProfile: gpuProfile.trim() } : {}) } }),
  );
  const buy = useAction((quoteId: string) => call(purchaseRoute, { body: { quoteId }, idempotencyKey: actionKey() }));
  const q = quote.result;
  const left = useSecondsLeft(q?.expiresAt);

  return (
    <div data-view="quote">
      <Section title="Quote a reservation">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            buy.clear();
            void quote.run();
          }}
        >
          <Field label="tenor" path="body.tenor" error={quote.error}>
            <select name="tenor" value={tenor} onChange={(e) => setTenor(inputValue(e))}>
              {TENOR_IDS.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </Field>
          <Field label="quantity (SCU)" path="body.quantityScu" error={quote.error}>
            <input name="quantityScu" inputMode="numeric" value={scu} onInput={(e) => setScu(inputValue(e))} />
          </Field>
          <Field label="GPU profile (optional)" path="body.gpuProfile" error={quote.error}>
            <input name="gpuProfile" value={gpuProfile} onInput={(e) => setGpu(inputValue(e))} />
          </Field>
          <button type="submit" disabled={quote.busy}>
            Quote
          </button>
        </form>
        <ErrorBox error={quote.error} />
      </Section>
      {q ? (
        <Section title={`Quote ${q.quoteId}`} actions={<Countdown until={q.expiresAt} />}>
          <p>
            {q.filledScu} of {q.requestedScu} SCU {q.partial ? <strong>(partial fill)</strong> : null} for <Acu v={q.total} /> ACU, {q.tenor}.
          </p>
          <table class="grid" data-table="allocations">
            <thead>
              <tr>
                <th>provider</th>
                <th class="num">SCU</th>
                <th class="num">lock price</th>
                <th class="num">commit fee</th>
                <th class="num">usage fee (escrow)</th>
                <th class="num">total</th>
              </tr>
            </thead>
            <tbody>
              {q.allocations.map((a) => (
                <tr key={a.providerId}>
                  <td>{a.providerId}</td>
                  <td class="num">{a.scu}</td>
                  <td class="num">
                    <Acu v={a.lockPrice} />
                  </td>
                  <td class="num">
                    <Acu v={a.feeCommit} />
                  </td>
                  <td class="num">
                    <Acu v={a.feeUsage} />
                  </td>
                  <td class="num">
                    <Acu v={a.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button class="primary" disabled={left === 0 || buy.busy || buy.result !== undefined} onClick={() => void buy.run(q.quoteId)}>
              Buy for <Acu v={q.total} /> ACU
            </button>
          </div>
          <ErrorBox error={buy.error} />
        </Section>
      ) : null}
      {buy.result ? (
        <Section title="Bought" actions={<a href={href('portfolio')}>portfolio →</a>}>
          <p data-bought={buy.result.reservations.length}>
            {buy.result.reservations.length} RC{buy.result.reservations.length === 1 ? '' : 's'}: commit <Acu v={buy.result.commitTotal} />, escrow{' '}
            <Acu v={buy.result.escrowTotal} />, total <Acu v={buy.result.total} /> ACU.
          </p>
          <ul>
            {buy.result.reservations.map((r) => (
              <li key={r.rcId}>
                <code>{r.rcId}</code> {r.providerId} {r.maxScu} SCU <Status s={r.status} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}
