/**
 * Handshake nonces: the exchange draws each (32 bytes), keeps it for one job until it expires,
 * and a handshake consumes it by a conditional delete, so a nonce serves once.
 */
import { wrote } from '../../platform/dynamo/conditional.ts';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { nonceKey } from './items.ts';

export async function putNonce(s: StoreCtx, nonceHex: string, jobId: string, expiresAtMs: number): Promise<void> {
  await s.doc.send(
    new PutCommand({
      TableName: s.table,
      Item: { ...nonceKey(nonceHex), jobId, expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000) + 3600 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** True when the nonce was this job's, unexpired and unused; it is gone afterwards either way it was valid. */
export async function consumeNonce(s: StoreCtx, nonceHex: string, jobId: string, nowMs: number): Promise<boolean> {
  return wrote(
    s.doc.send(
      new DeleteCommand({
        TableName: s.table,
        Key: nonceKey(nonceHex),
        ConditionExpression: 'attribute_exists(pk) AND jobId = :job AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':job': jobId, ':now': nowMs },
      }),
    ),
  );
}
