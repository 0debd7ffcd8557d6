/** Admin: run the ledger check (conservation, every balance rebuilt from its entries) and read the verdict. */
import { checkRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, Verdict } from '../ui/bits.tsx';

export function LedgerCheckView() {
  const check = useAction(() => call(checkRoute));
  const r = check.result;
  return (
    <div data-view="ledger-check">
      <Section
        title="Ledger check"
        actions={
          <button class="primary" disabled={check.busy} onClick={() => void check.run()}>
            {check.busy ? 'Checking…' : 'Run the check'}
          </button>
        }
      >
        <ErrorBox error={check.error} />
        {r ? (
          <div data-check-ok={String(r.ok)}>
            <p class="big">
              <Verdict ok={r.ok}>{r.ok ? 'money is conserved and every balance matches its entries' : `${r.violations} violation(s)`}</Verdict>
            </p>
            <dl class="facts">
              <dt>accounts / transfers</dt>
              <dd>
                {r.accounts} / {r.transfers}
              </dd>
              <dt>minted net</dt>
              <dd>
                <Acu v={r.mintedNet} />
              </dd>
              <dt>held (all accounts, escrow included)</dt>
              <dd>
                <Acu v={r.held} />
              </dd>
              <dt>total</dt>
              <dd>
                <Acu v={r.total} />
              </dd>
              <dt>re-checks cleared</dt>
              <dd>{r.cleared}</dd>
              <dt>took</dt>
              <dd>{r.durationMs} ms</dd>
            </dl>
            {r.differences.length ? (
              <ul class="checks">
                {r.differences.map((d) => (
                  <li key={d.account}>
                    <Verdict ok={false}>{d.account}</Verdict> stored <Acu v={d.stored} />, rebuilt <Acu v={d.rebuilt} />
                  </li>
                ))}
              </ul>
            ) : null}
            {r.unbalancedTransfers.length ? (
              <ul class="checks">
                {r.unbalancedTransfers.map((t) => (
                  <li key={t.transferId}>
                    <Verdict ok={false}>{t.transferId}</Verdict> sums to <Acu v={t.sum} />
                  </li>
                ))}
              </ul>
            ) : null}
            {r.negative.length ? (
              <ul class="checks">
                {r.negative.map((n) => (
                  <li key={n.account}>
                    <Verdict ok={false}>{n.account}</Verdict> negative <Acu v={n.balance} />
                  </li>
                ))}
              </ul>
            ) : null}
            {r.unverified.length ? <p class="muted">Not verified (kept moving): {r.unverified.join(', ')}</p> : null}
          </div>
        ) : null}
      </Section>
    </div>
  );
}
