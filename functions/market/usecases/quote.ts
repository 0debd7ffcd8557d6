/** Quote: price the request across providers and keep the result for QUOTE_TTL_MS. */
import { marketError } from '../errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { big } from '../../platform/dynamo/client.ts';
import type { MarketDeps } from '../deps.ts';
import type { Tenor } from '../domain/catalog.ts';
import type { Scu } from '../domain/units.ts';
import { planQuote, QUOTE_TTL_MS, type Allocation, type Offer } from '../domain/quote.ts';
import { allProviders, offerOf } from '../store/reads.ts';
import { allocationOut } from '../views.ts';
import { putQuote } from '../store/writes.ts';

export interface QuoteRequest {
  tenor: Tenor;
  quantityScu: Scu;
  gpuProfile?: string | undefined;
  region?: string | undefined;
  providerIds?: string[] | undefined;
}

export async function createQuote(d: MarketDeps, userId: string, req: QuoteRequest) {
  const { rt, store } = d;
  const states = await allProviders(store);
  const known = new Set(states.map((s) => s.provider.id));
  const unknown = (req.providerIds ?? []).find((id) => !known.has(id));
  if (unknown)
    throw marketError('unknown_provider', `no provider "${unknown}"`, { issues: [{ path: 'body.providerIds', message: `unknown provider ${unknown}` }] });
  const offers: Offer[] = states
    .filter((s) => (!req.gpuProfile || s.provider.gpuProfile === req.gpuProfile) && (!req.region || s.provider.region === req.region))
    .filter((s) => !req.providerIds || req.providerIds.includes(s.provider.id))
    .filter((s) => s.quotable)
    .flatMap((s) => offerOf(s, req.tenor) ?? []);
  const plan = planQuote(offers, req.tenor, req.quantityScu);
  const now = rt.clock.nowMs();
  const quoteId = rt.ids.next('quo');
  const expiresAt = isoAt(now + QUOTE_TTL_MS);
  await putQuote(store, {
    quoteId,
    ownerId: userId,
    tenor: req.tenor,
    requestedScu: req.quantityScu,
    allocations: plan.allocations,
    createdAt: isoAt(now),
    expiresAt,
    expiresAtMs: now + QUOTE_TTL_MS,
  });
  return {
    quoteId,
    tenor: req.tenor,
    requestedScu: Number(req.quantityScu),
    filledScu: Number(plan.filledScu),
    partial: plan.partial,
    total: formatAcu(plan.totalMicro),
    expiresAt,
    allocations: plan.allocations.map(allocationOut),
  };
}

export function allocationsFromItem(v: unknown): Allocation[] {
  return (v as Record<string, unknown>[]).map((a) => ({
    providerId: String(a.providerId),
    scu: big(a.scu),
    lockMicro: big(a.lockMicro),
    commitMicro: big(a.commitMicro),
    usageMicro: big(a.usageMicro),
  }));
}
