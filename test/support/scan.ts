/** Every item of one of the exchange's tables, by a strongly consistent scan (tests and benches). */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableId } from '../../functions/definitions/tables.ts';
import type { Runtime } from '../../functions/platform/runtime.ts';

export async function scanTable(rt: Runtime, table: TableId): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await rt.doc.send(new ScanCommand({ TableName: rt.table(table), ConsistentRead: true, ExclusiveStartKey }));
    out.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}
