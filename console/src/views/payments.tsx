/**
 * Buyer: buy ACU with Stripe (a Checkout Session at the current price version; the ACU are
 * credited when Stripe's webhook says it is paid) and the caller's payments, newest first.
 */
import { useState } from 'preact/hooks';
import { dollarsToCents } from '../../../functions/payments/domain/price.ts';
import { actionKey } from '../api/client.ts';
import { checkoutRoute, paymentsListRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue } from '../ui/form.tsx';
import { Acu, Section, Status, When } from '../ui/bits.tsx';

const usd = (cents: string) => `$${(BigInt(cents) / 100n).toLocaleString('en')}.${(BigInt(cents) % 100n).toString().padStart(2, '0')}`;

export function PaymentsView() {
  const list = useLoad(() => call(paymentsListRoute), [], { everyMs: 3000 });
  const [amount, setAmount] = useState('');
  const checkout = useAction(async () => {
    const cents = dollarsToCents(amount);
    // The API judges the amount; a text that is no dollar amount is sent as it is, so its field error shows.
    const r = await call(checkoutRoute, { body: { usdCents: (cents ?? amount) as number }, idempotencyKey: actionKey() });
    await list.reload();
    return r;
  });
  const c = checkout.result;
  return (
    <div data-view="payments">
      <Section title="Buy ACU">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void checkout.run();
          }}
        >
          <Field label="amount (USD)" path="body.usdCents" error={checkout.error} hint="paid through Stripe Checkout">
            <input name="checkoutUsd" value={amount} onInput={(e) => setAmount(inputValue(e))} placeholder="25.00" />
          </Field>
          <button type="submit" disabled={checkout.busy}>
            Checkout
          </button>
        </form>
        <ErrorBox error={checkout.error} />
        {c ? (
          <p class="ok" data-checkout={c.payment.paymentId}>
            {usd(c.payment.usdCents)} buys <Acu v={c.payment.acu} /> ACU at price version {c.payment.priceVersion}.{' '}
            <a href={c.url} target="_blank" rel="noopener noreferrer" data-checkout-url>
              Pay at Stripe
            </a>
            ; the ACU are credited when Stripe confirms the payment.
          </p>
        ) : null}
      </Section>
      <Section title="Payments" actions={<button onClick={() => void list.reload()}>Refresh</button>}>
        <ErrorBox error={list.error} />
        {list.data && list.data.payments.length === 0 ? <p class="muted">No payments yet.</p> : null}
        {list.data && list.data.payments.length > 0 ? (
          <table class="grid" data-table="payments">
            <thead>
              <tr>
                <th>payment</th>
                <th>status</th>
                <th class="num">USD</th>
                <th class="num">ACU</th>
                <th>price</th>
                <th class="num">refunded</th>
                <th class="num">arrears</th>
                <th>created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.payments.map((p) => (
                <tr key={p.paymentId} data-payment={p.paymentId} data-status={p.status}>
                  <td>
                    <code>{p.paymentId}</code> <span class="muted">{p.source}</span>
                  </td>
                  <td>
                    <Status s={p.status} />
                  </td>
                  <td class="num">{usd(p.usdCents)}</td>
                  <td class="num">
                    <Acu v={p.acu} />
                  </td>
                  <td>{p.priceVersion}</td>
                  <td class="num">{p.refundedCents === '0' ? '–' : usd(p.refundedCents)}</td>
                  <td class="num">
                    <Acu v={p.arrearsAcu} />
                  </td>
                  <td>
                    <When iso={p.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </div>
  );
}
