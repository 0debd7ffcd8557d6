/** Quote: price the request across providers and keep the result for QUOTE_TTL_MS. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../platform/errors.ts';
import { isoAt } from '../../platform/clock.ts';
import { formatAcu } from '../../platform/money.ts';
import { big } from '../../platform/dynamo/client.ts';
import type { Runtime } from '../../platform/runtime.ts';
import type { Tenor } from '../domain/catalog.ts';
import { planQuote, QUOTE_TTL_MS, type Allocation, type Offer } from '../domain/quote.ts';
import { quoteKey } from '../store/keys.ts';
import { allProviders, offerOf } from '../store/reads.ts';

export interface QuoteRequest {
  tenor: Tenor;
  quantityScu: bigint;
  gpuProfile?: string | undefined;
  region?: string | undefined;
  providerIds?: string[] | undefined;
}

export async function createQuote(rt: Runtime, userId: string, req: QuoteRequest) {
  const states = await allProviders(rt);
  const known = new Set(states.map((s) => s.provider.id));
  const unknown = (req.providerIds ?? []).find((id) => !known.has(id));
  if (unknown) throw new AppError('unknown_provider', `no provider "${unknown}"`, { issues: [{ path: 'body.providerIds', message: `unknown provider ${unknown}` }] });
  const offers: Offer[] = states
    .filter((s) => (!req.gpuProfile || s.provider.gpuProfile === req.gpuProfile) && (!req.region || s.provider.region === req.region))
    .filter((s) => !req.providerIds || req.providerIds.includes(s.provider.id))
    .flatMap((s) => offerOf(s, req.tenor) ?? []);
  const plan = planQuote(offers, req.tenor, req.quantityScu);
  const now = rt.clock.nowMs();
  const quoteId = rt.ids.next('quo');
  const expiresAt = isoAt(now + QUOTE_TTL_MS);
  await rt.doc.send(
    new PutCommand({
      TableName: rt.table('market'),
      Item: {
        ...quoteKey(quoteId),
        kind: 'quote',
        quoteId,
        ownerId: userId,
        tenor: req.tenor,
        requestedScu: req.quantityScu,
        allocations: plan.allocations,
        status: 'OPEN',
        createdAt: isoAt(now),
        expiresAt,
        // Kept a day past validity so a late purchase reads "expired", not "not found".
        ttl: Math.floor((now + QUOTE_TTL_MS) / 1000) + 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
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

export const allocationOut = (a: Allocation) => ({
  providerId: a.providerId,
  scu: Number(a.scu),
  lockPrice: formatAcu(a.lockMicro),
  feeCommit: formatAcu(a.commitMicro),
  feeUsage: formatAcu(a.usageMicro),
  total: formatAcu(a.scu * a.lockMicro),
});

export function allocationsFromItem(v: unknown): Allocation[] {
  return (v as Record<string, unknown>[]).map((a) => ({
    providerId: String(a.providerId),
    scu: big(a.scu),
    lockMicro: big(a.lockMicro),
    commitMicro: big(a.commitMicro),
    usageMicro: big(a.usageMicro),
  }));
}
