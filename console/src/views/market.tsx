/** Market: the supply curve and prices per tenor as charts, and the providers with capacity. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { TENOR_IDS } from '../../../functions/market/domain/catalog.ts';
import { marketRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, When } from '../ui/bits.tsx';
import { Chart } from '../ui/chart.tsx';
import { fmt } from '../money.ts';
import { pricesPerTenor, supplyCurve } from './market-charts.ts';

const acuAxis = (u: uPlot, ticks: number[]) => ticks.map((t) => t.toFixed(2));

export function MarketView() {
  const [tenor, setTenor] = useState<string>('T30D');
  const market = useLoad(() => call(marketRoute, { query: {} }), []);
  const stats = market.data?.stats ?? [];
  const curve = useMemo(() => supplyCurve(stats, tenor), [stats, tenor]);
  const perTenor = useMemo(() => pricesPerTenor(stats), [stats]);
  const rows = stats.filter((s) => s.tenor === tenor);
  const ready = market.data !== undefined;
  useEffect(() => {
    if (ready && !performance.getEntriesByName('market-ready').length) performance.mark('market-ready');
  }, [ready]);

  const curveOpts = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'SCU (cumulative remaining)' }, { label: 'lock price, ACU/SCU', values: acuAxis, size: 70 }],
      series: [
        { label: 'SCU', value: (_u, v) => (v == null ? '–' : String(v)) },
        {
          label: `lock price ${tenor}`,
          stroke: '#2b6cb0',
          fill: 'rgba(43,108,176,0.12)',
          paths: uPlot.paths.stepped!({ align: 1 }),
          value: (_u, _v, _s, i) => (i == null || curve.prices[i] === undefined ? '–' : `${fmt(curve.prices[i]!)} (${curve.providers[i]})`),
        },
      ],
    }),
    [tenor, curve],
  );
  const tenorOpts = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'tenor, days' }, { label: 'ACU/SCU', values: acuAxis, size: 70 }],
      series: [
        { label: 'days' },
        { label: 'cheapest', stroke: '#2f855a', points: { show: true }, value: (_u, _v, _s, i) => (i == null ? '–' : fmt(perTenor.min[i] ?? '')) },
        { label: 'dearest', stroke: '#c05621', points: { show: true }, value: (_u, _v, _s, i) => (i == null ? '–' : fmt(perTenor.max[i] ?? '')) },
      ],
    }),
    [perTenor],
  );

  return (
    <div data-view="market" data-ready={ready ? 'true' : undefined}>
      <ErrorBox error={market.error} />
      <Section
        title="Supply curve"
        actions={
          <div class="tabs" role="tablist">
            {TENOR_IDS.map((t) => (
              <button key={t} role="tab" aria-selected={t === tenor} class={t === tenor ? 'tab on' : 'tab'} onClick={() => setTenor(t)}>
                {t}
              </button>
            ))}
          </div>
        }
      >
        {ready && curve.prices.length === 0 ? <p class="muted">No capacity left for {tenor} (an admin loads providers under Providers).</p> : null}
        {ready && curve.prices.length > 0 ? <Chart label={`supply curve ${tenor}`} opts={curveOpts} data={curve.data} /> : null}
      </Section>
      <Section title="Lock price per tenor">
        {ready && perTenor.min.length > 0 ? <Chart label="prices per tenor" opts={tenorOpts} data={perTenor.data} /> : null}
      </Section>
      <Section
        title={`Providers, ${tenor}`}
        actions={
          <span class="muted">
            as of <When iso={market.data?.asOf} />
          </span>
        }
      >
        <table class="grid" data-table="providers">
          <thead>
            <tr>
              <th>provider</th>
              <th>GPU</th>
              <th>region</th>
              <th class="num">lock price</th>
              <th class="num">spot</th>
              <th class="num">remaining / max SCU</th>
              <th class="num">utilisation</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.providerId} data-provider={s.providerId}>
                <td>{s.providerId}</td>
                <td>{s.gpuProfile}</td>
                <td>{s.region}</td>
                <td class="num">
                  <Acu v={s.lockPrice} />
                </td>
                <td class="num">
                  <Acu v={s.spotPrice} />
                </td>
                <td class="num" data-remaining={s.remainingScu}>
                  {s.remainingScu.toLocaleString('en')} / {s.maxScu.toLocaleString('en')}
                </td>
                <td class="num">{s.utilization}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
