/** A full, consistent scan of the market table (the harness's invariant check). */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../../functions/platform/runtime.ts';

export async function marketItemsScan(rt: Runtime): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await rt.doc.send(new ScanCommand({ TableName: rt.table('market'), ConsistentRead: true, ExclusiveStartKey }));
    out.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}
