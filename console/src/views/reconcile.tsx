/** Operator: reconcile the ledger with the chain (docs/payments.md, "On chain") and read every difference still open. */
import { reconcileRoute } from '../api/routes.ts';
import { acuOf } from '../money.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Verdict } from '../ui/bits.tsx';

/** µACU as the API gives them (decimal strings) → ACU text. */
const acu = (micro: string) => `${acuOf(BigInt(micro))} ACU`;

export function ReconcileView() {
  const run = useAction(() => call(reconcileRoute));
  const r = run.result;
  return (
    <div data-view="reconcile">
      <Section
        title="Chain reconciliation"
        actions={
          <button class="primary" disabled={run.busy} onClick={() => void run.run()}>
            {run.busy ? 'Reconciling…' : 'Reconcile now'}
          </button>
        }
      >
        <ErrorBox error={run.error} />
        {r && !r.chain ? (
          <p data-reconcile="no-chain" class="muted">
            No chain is configured on this exchange: there is nothing to reconcile (start the local stack with <code>--chain</code>).
          </p>
        ) : null}
        {r && r.chain ? (
          <div data-reconcile-ok={String(r.ok)}>
            <p class="big">
              <Verdict ok={r.ok}>{r.ok ? 'the chain and the ledger agree' : `${r.differences.length} difference(s)`}</Verdict>
            </p>
            <dl class="facts">
              <dt>wallet</dt>
              <dd>
                <code>{r.wallet}</code>
              </dd>
              <dt>blocks read</dt>
              <dd>
                {r.toBlock >= r.fromBlock ? `${r.fromBlock}–${r.toBlock} in ${r.windows} window(s)` : `none new since ${r.toBlock}`} (head {r.head})
              </dd>
              <dt>minted on chain / ledger</dt>
              <dd data-parity="mint" data-ok={String(r.mintParity.ok)}>
                {acu(r.mintParity.chainMicroAcu)} / {acu(r.mintParity.ledgerMicroAcu)}
              </dd>
              <dt>paid out on chain / ledger</dt>
              <dd data-parity="payout" data-ok={String(r.payoutParity.ok)}>
                {acu(r.payoutParity.chainMicroAcu)} / {acu(r.payoutParity.ledgerMicroAcu)}
              </dd>
              <dt>chain logs not yet matched</dt>
              <dd>{r.openLogs}</dd>
            </dl>
            {r.differences.length ? (
              <ul class="checks">
                {r.differences.map((d, i) => (
                  <li key={i} data-difference={String(d.kind)}>
                    <Verdict ok={false}>{String(d.kind).replaceAll('_', ' ')}</Verdict> {String(d.record ?? '')} <code>{JSON.stringify(d)}</code>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </Section>
    </div>
  );
}
