/**
 * The table write rules IAM enforces in the cloud (lib/stacks/data.ts turns them into
 * explicit denies), enforced on the local engine, which has no IAM: no UpdateItem or
 * DeleteItem on a table's write-once partitions, no deletes at all on a `noDeletes` table
 * (functions/definitions/tables.ts). A forbidden write fails as AccessDeniedException, so
 * the local stack and every integration test catch a code path the cloud would refuse.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDef, type TableId } from '../functions/definitions/tables.ts';

type Key = Record<string, unknown> | undefined;
export interface Write {
  table: string;
  kind: 'update' | 'delete';
  key: Key;
}

/** A key attribute, as the document client passes it (plain) or the low-level one ({ S }). */
export const keyString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof (v as { S?: unknown })?.S === 'string' ? (v as { S: string }).S : undefined;

/** The updates and deletes a command carries, however it carries them. */
export function writesOf(command: string, input: Record<string, any>): Write[] {
  switch (command) {
    case 'UpdateItemCommand':
      return [{ table: input.TableName, kind: 'update', key: input.Key }];
    case 'DeleteItemCommand':
      return [{ table: input.TableName, kind: 'delete', key: input.Key }];
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems ?? []) as Record<string, any>[]).flatMap((t): Write[] =>
        t.Update
          ? [{ table: t.Update.TableName, kind: 'update', key: t.Update.Key }]
          : t.Delete
            ? [{ table: t.Delete.TableName, kind: 'delete', key: t.Delete.Key }]
            : [],
      );
    case 'BatchWriteItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Record<string, any>[]>).flatMap(([table, reqs]) =>
        reqs.filter((r) => r.DeleteRequest).map((r) => ({ table, kind: 'delete' as const, key: r.DeleteRequest.Key })),
      );
    default:
      return [];
  }
}

export class ForbiddenWriteError extends Error {
  override readonly name = 'AccessDeniedException';
}

/** The definition of a physical table `<prefix>-<id>`, whatever the prefix. */
function defOf(table: string): TableDef | undefined {
  const id = table.slice(table.lastIndexOf('-') + 1);
  return Object.hasOwn(TABLES, id) ? TABLES[id as TableId] : undefined;
}

/** The rule a write breaks, if any. */
export function forbidden(w: Write): string | undefined {
  const def = defOf(w.table);
  if (!def) return undefined;
  if (w.kind === 'delete' && def.noDeletes) return `no function may delete from ${w.table}`;
  const pk = keyString(w.key?.[def.pk]);
  const prefix = pk === undefined ? undefined : def.writeOnce?.find((p) => pk.startsWith(p));
  if (prefix) return `items under ${prefix} in ${w.table} are write-once (${w.kind} of ${pk})`;
  return undefined;
}

const enforced = new WeakSet<DynamoDBClient>();

/** Adds the rules to a client, once (the document client built on it shares its middleware). */
export function enforceWriteRules(client: DynamoDBClient): DynamoDBClient {
  if (enforced.has(client)) return client;
  enforced.add(client);
  client.middlewareStack.add(
    ((next: (args: { input: Record<string, any> }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, any> }) => {
      for (const w of writesOf(String(context.commandName ?? ''), args.input)) {
        const why = forbidden(w);
        if (why) throw new ForbiddenWriteError(`denied by the table write rules: ${why}`);
      }
      return next(args);
    }) as never,
    { step: 'initialize', name: 'tableWriteRules', priority: 'high' },
  );
  return client;
}
