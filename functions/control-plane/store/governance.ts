/**
 * Governance items. A proposal changes only from the revision it was read at; executing is
 * one transaction: the proposal QUEUED → EXECUTED, the parameter moved from the version the
 * proposal was made on, and the signed execution receipt written once.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { TransactionCancelledError, transactWrite } from '../../platform/dynamo/transact.ts';
import { PARAMETER_NAMES, PARAMETERS, type ParameterName, type Proposal } from '../domain/governance.ts';
import { executionKey, paramKey, proposalKey, PROPOSALS_GSI } from './keys.ts';

export interface ParameterValue {
  name: ParameterName;
  value: bigint;
  version: bigint;
}

const encode = (p: Proposal) => JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
const decode = (s: string): Proposal => JSON.parse(s, (_k, v) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as Proposal;

export async function parameter(s: StoreCtx, name: ParameterName): Promise<ParameterValue> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: paramKey(name), ConsistentRead: true }));
  return out.Item ? { name, value: big(out.Item.value), version: big(out.Item.version) } : { name, value: PARAMETERS[name].initial, version: 0n };
}

/** Several parameters in one BatchGetItem (consistent; keys DynamoDB leaves unprocessed are asked again). */
export async function parameterValues<N extends ParameterName>(s: StoreCtx, names: readonly N[]): Promise<Record<N, ParameterValue>> {
  const found = new Map<string, Record<string, unknown>>();
  let keys: Record<string, unknown>[] = names.map((n) => paramKey(n));
  for (let attempt = 0; keys.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(attempt, 6)));
    const out = await s.doc.send(new BatchGetCommand({ RequestItems: { [s.table]: { Keys: keys, ConsistentRead: true } } }));
    for (const it of out.Responses?.[s.table] ?? []) found.set(String(it.pk), it);
    keys = (out.UnprocessedKeys?.[s.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  const byName = {} as Record<N, ParameterValue>;
  for (const n of names) {
    const it = found.get(paramKey(n).pk);
    byName[n] = it ? { name: n, value: big(it.value), version: big(it.version) } : { name: n, value: PARAMETERS[n].initial, version: 0n };
  }
  return byName;
}

export const parameters = async (s: StoreCtx): Promise<ParameterValue[]> => {
  const all = await parameterValues(s, PARAMETER_NAMES);
  return PARAMETER_NAMES.map((n) => all[n]);
};

export async function getProposal(s: StoreCtx, id: string): Promise<{ proposal: Proposal; rev: bigint } | undefined> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: proposalKey(id), ConsistentRead: true }));
  return out.Item ? { proposal: decode(String(out.Item.body)), rev: big(out.Item.rev) } : undefined;
}

/** Writes `p` at rev + 1, guarded on `rev` (0: a new proposal); false when it moved. */
export async function putProposal(s: StoreCtx, p: Proposal, rev: bigint): Promise<boolean> {
  try {
    await s.doc.send(new PutCommand({ TableName: s.table, Item: proposalItem(p, rev + 1n), ...revGuard(rev) }));
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

const proposalItem = (p: Proposal, rev: bigint) => ({
  ...proposalKey(p.id),
  kind: 'proposal',
  status: p.status,
  body: encode(p),
  rev,
  gsi1pk: PROPOSALS_GSI.pk,
  gsi1sk: `${String(p.createdAt).padStart(15, '0')}#${p.id}`,
});
const revGuard = (rev: bigint) =>
  rev === 0n ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } };

export async function commitExecution(s: StoreCtx, p: Proposal, rev: bigint, receipt: unknown): Promise<'executed' | 'moved'> {
  try {
    await transactWrite(s.doc, [
      { label: 'proposal', item: { Put: { TableName: s.table, Item: proposalItem(p, rev + 1n), ...revGuard(rev) } } },
      {
        label: 'parameter',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...paramKey(p.parameter), kind: 'parameter', value: p.value, version: p.baseVersion + 1n, proposalId: p.id },
            ...(p.baseVersion === 0n
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': p.baseVersion } }),
          },
        },
      },
      {
        label: 'receipt',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...executionKey(p.id), kind: 'execution', body: JSON.stringify(receipt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
    ]);
    return 'executed';
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failedCondition()) return 'moved';
    throw e;
  }
}

export async function listProposals(s: StoreCtx, limit = 100): Promise<Proposal[]> {
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      IndexName: PROPOSALS_GSI.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': PROPOSALS_GSI.pk },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((it) => decode(String(it.body)));
}
