/**
 * Operator: disputed settlement holds, oldest dispute first, and the decision on each —
 * release to the provider or refund the buyer (docs/market.md, "Settlement holds"). A decided
 * hold leaves the list; the ledger transfer that moved it is named.
 */
import { disputedHoldsRoute, holdDecisionRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, When } from '../ui/bits.tsx';

export function DisputesView() {
  const list = useLoad(() => call(disputedHoldsRoute), []);
  const decide = useAction(async (jobId: string, award: 'provider' | 'buyer') => {
    const r = await call(holdDecisionRoute, { params: { jobId }, body: { award } });
    await list.reload();
    return r;
  });
  const holds = list.data?.holds ?? [];
  return (
    <div data-view="disputes">
      <Section title="Disputed holds" actions={<button onClick={() => void list.reload()}>Refresh</button>}>
        <ErrorBox error={list.error ?? decide.error} />
        {decide.result ? (
          <p data-decided={decide.result.jobId}>
            Hold of <code>{decide.result.jobId}</code> {decide.result.status.toLowerCase()} (transfer <code>{decide.result.transferId}</code>).
          </p>
        ) : null}
        {list.data && holds.length === 0 ? <p class="muted">No disputed holds.</p> : null}
        {holds.length ? (
          <table data-table="disputes">
            <thead>
              <tr>
                <th>job</th>
                <th>buyer</th>
                <th>provider</th>
                <th>held (ACU)</th>
                <th>window ended</th>
                <th>dispute</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {holds.map((h) => (
                <tr key={h.jobId} data-hold-job={h.jobId}>
                  <td>
                    <code>{h.jobId}</code>
                  </td>
                  <td>{h.buyerId}</td>
                  <td>{h.providerId}</td>
                  <td>
                    <Acu v={h.amount} />
                  </td>
                  <td>
                    <When iso={h.releaseAt} />
                  </td>
                  <td>{h.dispute}</td>
                  <td>
                    <button data-action="award-provider" disabled={decide.busy} onClick={() => void decide.run(h.jobId, 'provider')}>
                      Release to the provider
                    </button>{' '}
                    <button data-action="award-buyer" disabled={decide.busy} onClick={() => void decide.run(h.jobId, 'buyer')}>
                      Refund the buyer
                    </button>
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
