/**
 * DynamoDB requests from now on, through the stack's own client (its HTTP handlers, consumers
 * and schedules all use it), counted by table, or by command and table, and reported per unit
 * of work (a job, a payment).
 */
import type { startLocalStack } from '../../local/stack.ts';

export function countRequests(stack: Awaited<ReturnType<typeof startLocalStack>>, by: 'table' | 'command' = 'table') {
  const counts = new Map<string, number>();
  stack.runtime.doc.middlewareStack.add(
    (next, context) => async (a) => {
      const input = a.input as { TableName?: string; TransactItems?: unknown[]; RequestItems?: Record<string, unknown> };
      const table = (input.TableName ?? (input.TransactItems ? 'transactions' : input.RequestItems ? 'batches' : '')).replace(/^vracu-[a-z]+-/, '');
      const key = by === 'table' ? table || String(context.commandName) : `${String(context.commandName).replace(/Command$/, '')}${table ? ` ${table}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(a);
    },
    { step: 'initialize', name: 'benchRequestCount' },
  );
  return {
    /** The total and each key's count, divided by `units`, largest first. */
    per(units: number, places = 1): Record<string, number> {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const each = [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / units).toFixed(places)] as const);
      return { total: +(total / units).toFixed(places), ...Object.fromEntries(each) };
    },
  };
}
