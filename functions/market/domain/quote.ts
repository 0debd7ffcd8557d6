/**
 * Quote (seed §1.5): cheapest lock price first across providers with remaining capacity.
 * Ties break by provider id so the same market state always gives the same quote.
 */
import { price, type Price } from './pricing.ts';
import { remainingScu } from './capacity.ts';
import type { Provider, Tenor } from './catalog.ts';

/** One purchase is one transaction: a quote spans at most this many providers. */
export const MAX_QUOTE_ALLOCATIONS = 4;

/** How long a quote can be purchased, ms. */
export const QUOTE_TTL_MS = 60_000;

export interface Offer {
  provider: Provider;
  maxScu: bigint;
  soldScu: bigint;
}

export interface Allocation {
  providerId: string;
  scu: bigint;
  lockMicro: bigint;
  commitMicro: bigint;
  usageMicro: bigint;
}

export interface QuotePlan {
  allocations: Allocation[];
  filledScu: bigint;
  totalMicro: bigint;
  partial: boolean;
}

export function planQuote(offers: readonly Offer[], tenor: Tenor, quantityScu: bigint): QuotePlan {
  const priced = offers
    .map((o) => ({ o, remaining: remainingScu(o.maxScu, o.soldScu), price: price(o.provider, tenor, o.soldScu, o.maxScu) }))
    .filter((x) => x.remaining > 0n)
    .sort((a, b) => (a.price.lockMicro < b.price.lockMicro ? -1 : a.price.lockMicro > b.price.lockMicro ? 1 : a.o.provider.id < b.o.provider.id ? -1 : 1));
  const allocations: Allocation[] = [];
  let filledScu = 0n;
  for (const x of priced) {
    if (allocations.length >= MAX_QUOTE_ALLOCATIONS) break;
    const take = x.remaining < quantityScu - filledScu ? x.remaining : quantityScu - filledScu;
    if (take <= 0n) break;
    allocations.push(allocationOf(x.o.provider.id, take, x.price));
    filledScu += take;
  }
  const totalMicro = allocations.reduce((s, a) => s + a.scu * a.lockMicro, 0n);
  return { allocations, filledScu, totalMicro, partial: filledScu < quantityScu };
}

export const allocationOf = (providerId: string, scu: bigint, p: Price): Allocation => ({
  providerId,
  scu,
  lockMicro: p.lockMicro,
  commitMicro: p.commitMicro,
  usageMicro: p.usageMicro,
});
