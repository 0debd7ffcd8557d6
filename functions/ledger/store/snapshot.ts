/**
 * Reads every shard and entry of the ledger table with a parallel, strongly consistent
 * scan. A scan is not a point-in-time snapshot: under concurrent writes it may see a
 * transfer's shard updates without its entries, so the checker re-reads before reporting.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { LedgerSnapshot } from '../domain/conservation.ts';

const SEGMENTS = 4;

export async function readSnapshot(doc: DynamoDBDocumentClient, table: string): Promise<LedgerSnapshot> {
  const snap: LedgerSnapshot = { stored: new Map(), rebuilt: new Map(), transferSums: new Map() };
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, Segment) => {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: table,
            Segment,
            TotalSegments: SEGMENTS,
            ConsistentRead: true,
            FilterExpression: 'begins_with(sk, :shard) OR begins_with(sk, :entry)',
            ProjectionExpression: 'sk, account, balance, delta, transferId',
            ExpressionAttributeValues: { ':shard': 'SHARD#', ':entry': 'ENTRY#' },
            ExclusiveStartKey,
          }),
        );
        for (const it of page.Items ?? []) {
          const account = String(it.account);
          if (String(it.sk).startsWith('SHARD#')) add(snap.stored, account, big(it.balance));
          else {
            const delta = big(it.delta);
            add(snap.rebuilt, account, delta);
            add(snap.transferSums, String(it.transferId), delta);
          }
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }),
  );
  return snap;
}
