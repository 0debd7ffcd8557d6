/**
 * Provider: pay out ACU from the `provider:` account (held at once, then paid through the
 * rail: a Stripe Connect transfer or ACU on chain) and the caller's payouts, newest first.
 */
import { useState } from 'preact/hooks';
import type { PayoutRail } from '../../../functions/payments/domain/payout.ts';
import { actionKey } from '../api/client.ts';
import { payoutRequestRoute, payoutsListRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue } from '../ui/form.tsx';
import { Acu, Section, Status, When } from '../ui/bits.tsx';

/** Every rail the API takes, labelled (a rail added there fails to compile here until it is). */
const RAILS: Record<PayoutRail, string> = { stripe: 'Stripe Connect (acct_…)', chain: 'on chain (0x… wallet)' };
type Rail = PayoutRail;

export function Payouts({ onPaid }: { onPaid?: () => void }) {
  const list = useLoad(() => call(payoutsListRoute), [], { everyMs: 3000 });
  const [f, setF] = useState({ amount: '', rail: 'stripe' as Rail, destination: '' });
  const request = useAction(async () => {
    const [amount, destination] = [f.amount.trim(), f.destination.trim()];
    const body = f.rail === 'stripe' ? { amount, rail: 'stripe' as const, destination } : { amount, rail: 'chain' as const, destination };
    const r = await call(payoutRequestRoute, { body, idempotencyKey: actionKey() });
    await list.reload();
    onPaid?.();
    return r;
  });
  const r = request.result;
  return (
    <Section title="Payouts" actions={<button onClick={() => void list.reload()}>Refresh</button>}>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void request.run();
        }}
      >
        <Field label="amount (ACU)" path="body.amount" error={request.error}>
          <input name="payoutAmount" value={f.amount} onInput={(e) => setF({ ...f, amount: inputValue(e) })} placeholder="100" />
        </Field>
        <Field label="rail" path="body.rail" error={request.error}>
          <select name="payoutRail" value={f.rail} onChange={(e) => setF({ ...f, rail: inputValue(e) as Rail })}>
            {Object.entries(RAILS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="to" path="body.destination" error={request.error}>
          <input
            name="payoutTo"
            value={f.destination}
            onInput={(e) => setF({ ...f, destination: inputValue(e) })}
            placeholder={f.rail === 'stripe' ? 'acct_…' : '0x…'}
          />
        </Field>
        <button type="submit" disabled={request.busy}>
          Pay out
        </button>
      </form>
      <ErrorBox error={request.error} />
      {r ? (
        <p class="ok" data-payout-requested={r.payout.payoutId}>
          <Acu v={r.payout.acu} /> ACU held for payout {r.payout.payoutId} to {r.payout.destination}
          {r.replayed ? ' (already requested)' : ''}; it is paid by the {r.payout.rail} rail.
        </p>
      ) : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.payouts.length === 0 ? <p class="muted">No payouts yet.</p> : null}
      {list.data && list.data.payouts.length > 0 ? (
        <table class="grid" data-table="payouts">
          <thead>
            <tr>
              <th>payout</th>
              <th>status</th>
              <th class="num">ACU</th>
              <th>rail</th>
              <th>to</th>
              <th>reference</th>
              <th>requested</th>
            </tr>
          </thead>
          <tbody>
            {list.data.payouts.map((p) => (
              <tr key={p.payoutId} data-payout={p.payoutId} data-status={p.status}>
                <td>
                  <code>{p.payoutId}</code>
                </td>
                <td>
                  <Status s={p.status} />
                  {p.failure ? <span class="muted"> {p.failure}</span> : null}
                </td>
                <td class="num">
                  <Acu v={p.acu} />
                </td>
                <td>{p.rail}</td>
                <td>
                  <code>{p.destination}</code>
                </td>
                <td>{p.reference ? <code>{p.reference}</code> : '–'}</td>
                <td>
                  <When iso={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}
