/**
 * The dispatch lease: one dispatcher at a time walks the queue. Without it, every dispatcher
 * took the oldest queued job, placed it (holding a provider's units) and all but one lost the
 * claim and gave the units back. A dispatcher that finds the lease held marks it (`again`)
 * instead of walking; the holder lets go only when no mark is set, else it clears the mark and
 * walks once more, so a wake-up is never lost. A holder that died leaves a lease that runs out.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { wrote } from '../../platform/dynamo/conditional.ts';

const LEASE_KEY = { pk: 'DISPATCH', sk: 'LEASE' } as const;

const conditional = (s: StoreCtx, update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>): Promise<boolean> =>
  wrote(s.doc.send(new UpdateCommand({ TableName: s.table, Key: LEASE_KEY, ...update })));

/**
 * Takes the lease for `holder` until `nowMs + ttlMs` (`held`), or, when another holds it, marks it
 * so that holder walks the queue again (`marked`). Throws when neither sticks after a few tries
 * (the lease changing hands under us each time), so the caller's fallback queues a dispatch.
 */
export async function acquireOrMark(s: StoreCtx, holder: string, nowMs: number, ttlMs: number): Promise<'held' | 'marked'> {
  for (let i = 0; i < 3; i++) {
    const took = await conditional(s, {
      UpdateExpression: 'SET holder = :h, untilMs = :u REMOVE again',
      ConditionExpression: 'attribute_not_exists(holder) OR untilMs < :now',
      ExpressionAttributeValues: { ':h': holder, ':u': nowMs + ttlMs, ':now': nowMs },
    });
    if (took) return 'held';
    const marked = await conditional(s, {
      UpdateExpression: 'SET again = :t',
      ConditionExpression: 'attribute_exists(holder) AND untilMs >= :now',
      ExpressionAttributeValues: { ':t': true, ':now': nowMs },
    });
    if (marked) return 'marked';
  }
  throw new Error('dispatch lease: changed hands on every try');
}

/** Extends the holder's lease; false when it ran out and another took it (the holder stops walking). */
export const renewLease = (s: StoreCtx, holder: string, untilMs: number): Promise<boolean> =>
  conditional(s, { UpdateExpression: 'SET untilMs = :u', ConditionExpression: 'holder = :h', ExpressionAttributeValues: { ':h': holder, ':u': untilMs } });

/**
 * Lets go of the lease when nobody marked it (`released`); when someone did, clears the mark and
 * keeps the lease until `untilMs` (`again`: walk once more); `lost` when another holds it now.
 */
export async function releaseLease(s: StoreCtx, holder: string, untilMs: number): Promise<'released' | 'again' | 'lost'> {
  const released = await conditional(s, {
    UpdateExpression: 'REMOVE holder, untilMs',
    ConditionExpression: 'holder = :h AND attribute_not_exists(again)',
    ExpressionAttributeValues: { ':h': holder },
  });
  if (released) return 'released';
  const again = await conditional(s, {
    UpdateExpression: 'SET untilMs = :u REMOVE again',
    ConditionExpression: 'holder = :h',
    ExpressionAttributeValues: { ':h': holder, ':u': untilMs },
  });
  return again ? 'again' : 'lost';
}

/** Lets go whatever the mark (a walk that failed: its caller's fallback queues another). */
export const dropLease = (s: StoreCtx, holder: string): Promise<boolean> =>
  conditional(s, { UpdateExpression: 'REMOVE holder, untilMs, again', ConditionExpression: 'holder = :h', ExpressionAttributeValues: { ':h': holder } });
