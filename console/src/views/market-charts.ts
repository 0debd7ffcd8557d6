/**
 * The market's two charts from GET /v1/futures/market: the supply curve of one tenor
 * (cheapest lock price first, stepping up as each provider's remaining SCU is used up:
 * what a quote of that size walks through) and the lock price range per tenor.
 */
import type uPlot from 'uplot';
import { TENORS, TENOR_IDS } from '../../../functions/market/domain/catalog.ts';
import { micro, plotValue } from '../money.ts';
import type { RouteOutput } from '../api/client.ts';
import type { marketRoute } from '../api/routes.ts';

export type Stat = RouteOutput<typeof marketRoute>['stats'][number];

const byPrice = (a: Stat, b: Stat) =>
  micro(a.lockPrice) < micro(b.lockPrice) ? -1 : micro(a.lockPrice) > micro(b.lockPrice) ? 1 : a.providerId < b.providerId ? -1 : 1;

export interface Curve {
  data: uPlot.AlignedData;
  /** The exact price string of each step, for the legend. */
  prices: string[];
  providers: string[];
}

/** x: SCU bought so far, y: the lock price of the next SCU; a step per provider with capacity left. */
export function supplyCurve(stats: Stat[], tenor: string): Curve {
  const rows = stats.filter((s) => s.tenor === tenor && s.remainingScu > 0).sort(byPrice);
  const xs = [0];
  const ys: number[] = [];
  const prices: string[] = [];
  const providers: string[] = [];
  for (const r of rows) {
    xs.push(xs[xs.length - 1]! + r.remainingScu);
    ys.push(plotValue(r.lockPrice));
    prices.push(r.lockPrice);
    providers.push(r.providerId);
  }
  if (rows.length) {
    ys.push(ys[ys.length - 1]!);
    prices.push(prices[prices.length - 1]!);
    providers.push(providers[providers.length - 1]!);
  } else xs.pop();
  return { data: [xs, ys], prices, providers };
}

export interface TenorPrices {
  data: uPlot.AlignedData;
  min: string[];
  max: string[];
}

/** Cheapest and dearest lock price of each tenor with capacity left (x in days). */
export function pricesPerTenor(stats: Stat[]): TenorPrices {
  const tenors = TENOR_IDS.filter((t) => stats.some((s) => s.tenor === t && s.remainingScu > 0));
  const min: string[] = [];
  const max: string[] = [];
  for (const t of tenors) {
    const rows = stats.filter((s) => s.tenor === t && s.remainingScu > 0).sort(byPrice);
    min.push(rows[0]!.lockPrice);
    max.push(rows[rows.length - 1]!.lockPrice);
  }
  return { data: [tenors.map((t) => Number(TENORS[t].days)), min.map(plotValue), max.map(plotValue)], min, max };
}
