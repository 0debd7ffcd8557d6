/** Operators and admins: the provider catalog (one row per provider, its T30D figures); admins load the fixture providers. */
import { marketRoute, providersLoadRoute } from '../api/routes.ts';
import { call, can } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section } from '../ui/bits.tsx';

export function ProvidersView() {
  const market = useLoad(() => call(marketRoute, { query: {} }), []);
  const load = useAction(() => call(providersLoadRoute, { body: {} }));
  const stats = market.data?.stats ?? [];
  const ids = [...new Set(stats.map((s) => s.providerId))].sort();
  return (
    <div data-view="providers" data-ready={market.data ? 'true' : undefined}>
      <Section
        title={`Providers (${ids.length})`}
        actions={
          can('admin') ? (
            <button disabled={load.busy} onClick={() => void load.run().then((r) => r && market.reload())}>
              Load the fixture providers
            </button>
          ) : null
        }
      >
        <ErrorBox error={market.error ?? load.error} />
        {load.result ? <p class="ok">Loaded {load.result.loaded} providers.</p> : null}
        <table class="grid" data-table="catalog">
          <thead>
            <tr>
              <th>provider</th>
              <th>GPU</th>
              <th>region</th>
              <th class="num">spot</th>
              <th class="num">sold / max SCU (all tenors)</th>
              <th class="num">fees: commit / usage (T30D)</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => {
              const rows = stats.filter((s) => s.providerId === id);
              const t30 = rows.find((s) => s.tenor === 'T30D') ?? rows[0]!;
              return (
                <tr key={id} data-provider={id}>
                  <td>{id}</td>
                  <td>{t30.gpuProfile}</td>
                  <td>{t30.region}</td>
                  <td class="num">
                    <Acu v={t30.spotPrice} />
                  </td>
                  <td class="num">
                    {rows.reduce((s, r) => s + r.soldScu, 0).toLocaleString('en')} / {rows.reduce((s, r) => s + r.maxScu, 0).toLocaleString('en')}
                  </td>
                  <td class="num">
                    <Acu v={t30.feeCommit} /> / <Acu v={t30.feeUsage} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
