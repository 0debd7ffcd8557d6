/**
 * Provider: capacity sold and remaining per tenor, earnings (the provider's ledger account)
 * and payouts. A joined provider's key has the provider's id as its principal id, so its own
 * catalog entry and `provider:` account are chosen; operators pick any provider.
 */
import { useState } from 'preact/hooks';
import { curveRoute, marketRoute } from '../api/routes.ts';
import { call, can, principal } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, Waiting } from '../ui/bits.tsx';
import { Payouts } from './payouts.tsx';
import { inputValue } from '../ui/form.tsx';
import { AccountView } from './account.tsx';

export function CapacityView() {
  const me = principal.value!;
  const market = useLoad(() => call(marketRoute, { query: {} }), []);
  const ids = [...new Set((market.data?.stats ?? []).map((s) => s.providerId))].sort();
  const guess = ids.find((i) => i === me.principalId || i === me.tenant) ?? ids[0] ?? '';
  const [chosen, setChosen] = useState<string | null>(null);
  const [paid, setPaid] = useState(0);
  const providerId = chosen ?? guess;
  return (
    <div data-view="capacity" data-ready={market.data ? 'true' : undefined}>
      <ErrorBox error={market.error} />
      <Section
        title="Capacity per tenor"
        actions={
          <select aria-label="provider" value={providerId} onChange={(e) => setChosen(inputValue(e))}>
            {ids.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        }
      >
        {providerId ? <Curve key={providerId} providerId={providerId} /> : <p class="muted">No providers in the catalog.</p>}
        <Waiting what="SCU used by jobs per tenor" route="a provider usage route (providers issue)" />
      </Section>
      {providerId ? <AccountView key={`${providerId}:${paid}`} initial={`provider:${providerId}`} title="Earnings" /> : null}
      {!can('operator', me) && providerId !== me.principalId ? (
        <p class="muted" data-earnings="not-joined">
          This key is not a joined provider's (<code>vracu-provider init --join-token …</code> makes one): only a provider's own key, operators and admins read
          its earnings.
        </p>
      ) : null}
      <Payouts onPaid={() => setPaid((n) => n + 1)} />
    </div>
  );
}

function Curve({ providerId }: { providerId: string }) {
  const c = useLoad(() => call(curveRoute, { params: { id: providerId } }), [providerId]);
  return (
    <>
      <ErrorBox error={c.error} />
      {c.data ? (
        <table class="grid" data-table="capacity">
          <thead>
            <tr>
              <th>tenor</th>
              <th class="num">sold</th>
              <th class="num">remaining</th>
              <th class="num">max SCU</th>
              <th>sold</th>
              <th class="num">lock price</th>
            </tr>
          </thead>
          <tbody>
            {c.data.curve.map((s) => (
              <tr key={s.tenor} data-tenor={s.tenor} data-sold={s.soldScu}>
                <td>{s.tenor}</td>
                <td class="num">{s.soldScu.toLocaleString('en')}</td>
                <td class="num">{s.remainingScu.toLocaleString('en')}</td>
                <td class="num">{s.maxScu.toLocaleString('en')}</td>
                <td>
                  <div class="meter" title={s.utilization}>
                    <div class="meter-fill" style={{ width: `${s.maxScu ? Math.round((100 * s.soldScu) / s.maxScu) : 0}%` }} />
                  </div>
                </td>
                <td class="num">
                  <Acu v={s.lockPrice} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
