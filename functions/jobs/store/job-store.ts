/**
 * Job persistence. Every status change is one conditional write (or transaction) from the
 * expected status; a failed condition means someone else moved the job, and the caller
 * does nothing. Terminal changes release the tenant quota and the agent in the same
 * transaction, so a job can never end while still holding either. A change that reports
 * itself stages its event in the same write (store/outbox-store.ts).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { gsi1Page, queryAll } from '../../platform/dynamo/query.ts';
import { transactWrite, TransactionCancelledError, type LabelledItem } from '../../platform/dynamo/transact.ts';
import type { Job } from '../domain/job.ts';
import { isTerminal, type JobStatus } from '../domain/lifecycle.ts';
import { GSI2, agentKey, gsi2For, itemToJob, jobKey, jobToItem, POOL_KEY, quotaKey } from './items.ts';
import type { TenantQuota } from '../domain/policy.ts';
import { outboxPut, type OutboxEvent } from './outbox-store.ts';

export type JobPatch = Partial<Record<keyof Job, unknown>>;

const STORED_AS_JSON: Partial<Record<keyof Job, string>> = {
  creation: 'creationJson',
  deletion: 'deletionJson',
  placement: 'placementJson',
  bill: 'billJson',
  outputs: 'outputsJson',
};

export const idempotencyKey = (tenant: string, key: string) => ({ pk: `IDEMP#${tenant}#${key}`, sk: 'IDEMP' });

/** A submission's Idempotency-Key: what it was for (the request's hash) and which job it made. */
export async function getIdempotency(s: StoreCtx, tenant: string, key: string): Promise<{ requestHash: string; jobId: string } | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: idempotencyKey(tenant, key), ConsistentRead: true }));
  return out.Item ? { requestHash: String(out.Item.requestHash), jobId: String(out.Item.jobId) } : null;
}

/**
 * Creates the job and takes the tenant's quota atomically (and records the Idempotency-Key,
 * kept a day). Returns the failed guard, if any.
 */
export async function createJob(
  s: StoreCtx,
  job: Job,
  quota: TenantQuota,
  idem?: { key: string; requestHash: string; ttlSec: number },
  event?: OutboxEvent,
): Promise<'quota' | 'idempotency' | null> {
  const extra: LabelledItem[] = idem
    ? [
        {
          label: 'idempotency',
          item: {
            Put: {
              TableName: s.table,
              Item: { ...idempotencyKey(job.tenant, idem.key), requestHash: idem.requestHash, jobId: job.jobId, ttl: idem.ttlSec },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      ]
    : [];
  try {
    await transactWrite(s.doc, [
      ...extra,
      { label: 'job', item: { Put: { TableName: s.table, Item: jobToItem(job), ConditionExpression: 'attribute_not_exists(pk)' } } },
      {
        label: 'quota',
        item: {
          Update: {
            TableName: s.table,
            Key: quotaKey(job.tenant),
            UpdateExpression: 'ADD activeJobs :one, activeGpuMinutes :gm',
            ConditionExpression: 'attribute_not_exists(activeJobs) OR (activeJobs < :maxJobs AND activeGpuMinutes <= :gmRoom)',
            ExpressionAttributeValues: {
              ':one': 1,
              ':gm': job.gpuMinutes,
              ':maxJobs': quota.maxActiveJobs,
              ':gmRoom': quota.maxActiveGpuMinutes - job.gpuMinutes,
            },
          },
        },
      },
      ...(event ? [outboxPut(s, event)] : []),
    ]);
    return null;
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failed('idempotency')) return 'idempotency';
    if (e instanceof TransactionCancelledError && e.failed('quota')) return 'quota';
    throw e;
  }
}

export async function tenantUsage(s: StoreCtx, tenant: string): Promise<{ jobs: number; gpuMinutes: number }> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: quotaKey(tenant), ConsistentRead: true }));
  return { jobs: Number(out.Item?.activeJobs ?? 0), gpuMinutes: Number(out.Item?.activeGpuMinutes ?? 0) };
}

export async function getJob(s: StoreCtx, jobId: string): Promise<Job | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: jobKey(jobId), ConsistentRead: true }));
  return out.Item ? itemToJob(out.Item) : null;
}

interface Built {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

function buildUpdate(set: Record<string, unknown>, remove: string[]): Built {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  let i = 0;
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) continue;
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
    i++;
  }
  const removes = remove.map((k, j) => {
    names[`#r${j}`] = k;
    return `#r${j}`;
  });
  return {
    UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function toAttributes(patch: JobPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const jsonName = STORED_AS_JSON[k as keyof Job];
    out[jsonName ?? k] = jsonName && v !== undefined ? JSON.stringify(v) : v;
  }
  return out;
}

/**
 * What else must hold of the job item for a write to happen, as data (the store turns it
 * into the condition). Every member given must hold.
 */
export interface JobGuard {
  /** The job records no container, or this one. */
  containerIs?: string;
  /** The job records no container at all. */
  noContainer?: true;
  /** No launch has been claimed (no `launchStartedAtMs`). */
  launchUnclaimed?: true;
  /** The recorded task version is below this one, or none is recorded. */
  taskVersionBelow?: number;
  /** The job's status is one of these. */
  statusIn?: readonly JobStatus[];
  /** No abort has been requested. */
  noAbortRequested?: true;
}

/** The condition of a guard: its expression parts (ANDed) and the names and values they use. */
function guardCondition(g: JobGuard): { parts: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (g.containerIs !== undefined) {
    parts.push('(attribute_not_exists(containerId) OR containerId = :gcid)');
    values[':gcid'] = g.containerIs;
  }
  if (g.noContainer) parts.push('attribute_not_exists(containerId)');
  if (g.launchUnclaimed) parts.push('attribute_not_exists(launchStartedAtMs)');
  if (g.taskVersionBelow !== undefined) {
    parts.push('(attribute_not_exists(taskVersion) OR taskVersion < :gtv)');
    values[':gtv'] = g.taskVersionBelow;
  }
  if (g.statusIn) {
    names['#gst'] = 'status';
    parts.push(`#gst IN (${g.statusIn.map((st, i) => ((values[`:gst${i}`] = st), `:gst${i}`)).join(', ')})`);
  }
  if (g.noAbortRequested) parts.push('attribute_not_exists(abortReason)');
  return { parts, names, values };
}

export interface TransitionOpts {
  /** What else must hold of the job (ANDed with the status guard). */
  guard?: JobGuard;
  remove?: string[];
  /** Release this agent and the pool slot in the same transaction. */
  releaseAgent?: string;
  /** Claim this agent and a pool slot (at most maxAgents busy) in the same transaction. */
  claimAgent?: { name: string; leaseUntilMs: number; maxAgents: number };
  /** Stage the event reporting this change (published by the caller after the write). */
  event?: OutboxEvent;
}

export type TransitionResult = { ok: true } | { ok: false; failed: 'job' | 'agent' | 'pool' };

/**
 * Moves the job from `from` to `to` with `patch`. Terminal moves also give back the tenant
 * quota. Returns which guard failed, so the caller knows whether to try another agent.
 */
export async function transition(
  s: StoreCtx,
  job: Job,
  from: JobStatus,
  to: JobStatus,
  patch: JobPatch,
  nowMs: number,
  opts: TransitionOpts = {},
): Promise<TransitionResult> {
  const endedAt = isTerminal(to) ? (patch.endedAt as string | undefined) : undefined;
  const set = { ...toAttributes(patch), status: to, updatedAtMs: nowMs, ...gsi2For(to, job.jobId, endedAt) };
  const u = buildUpdate(set, opts.remove ?? []);
  u.ExpressionAttributeNames['#st'] = 'status';
  u.ExpressionAttributeValues[':from'] = from;
  const g = guardCondition(opts.guard ?? {});
  const cond = ['#st = :from', ...g.parts].join(' AND ');
  Object.assign(u.ExpressionAttributeNames, g.names);
  Object.assign(u.ExpressionAttributeValues, g.values);
  const items: LabelledItem[] = [{ label: 'job', item: { Update: { TableName: s.table, Key: jobKey(job.jobId), ConditionExpression: cond, ...u } } }];
  if (isTerminal(to)) {
    items.push({
      label: 'quota',
      item: {
        Update: {
          TableName: s.table,
          Key: quotaKey(job.tenant),
          UpdateExpression: 'ADD activeJobs :m1, activeGpuMinutes :mgm',
          ExpressionAttributeValues: { ':m1': -1, ':mgm': -job.gpuMinutes },
        },
      },
    });
  }
  if (opts.releaseAgent) items.push(...releaseItems(s, opts.releaseAgent, job.jobId));
  if (opts.claimAgent) {
    const c = opts.claimAgent;
    items.push(
      {
        label: 'pool',
        item: {
          Update: {
            TableName: s.table,
            Key: POOL_KEY,
            UpdateExpression: 'ADD active :one',
            ConditionExpression: 'attribute_not_exists(active) OR active < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': c.maxAgents },
          },
        },
      },
      {
        label: 'agent',
        item: {
          Update: {
            TableName: s.table,
            Key: agentKey(c.name),
            UpdateExpression: 'SET jobId = :job, leaseUntilMs = :lease',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(jobId)',
            ExpressionAttributeValues: { ':job': job.jobId, ':lease': c.leaseUntilMs },
          },
        },
      },
    );
  }
  if (opts.event) items.push(outboxPut(s, opts.event));
  try {
    if (items.length === 1) {
      await s.doc.send(new UpdateCommand(items[0]!.item.Update as ConstructorParameters<typeof UpdateCommand>[0]));
    } else {
      await transactWrite(s.doc, items);
    }
    return { ok: true };
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return { ok: false, failed: 'job' };
    if (e instanceof TransactionCancelledError) {
      if (e.failed('job')) return { ok: false, failed: 'job' };
      if (e.failed('pool')) return { ok: false, failed: 'pool' };
      if (e.failed('agent')) return { ok: false, failed: 'agent' };
    }
    throw e;
  }
}

/** Frees an agent held by `jobId` and its pool slot. */
export function releaseItems(s: StoreCtx, agent: string, jobId: string): LabelledItem[] {
  return [
    {
      label: 'release',
      item: {
        Update: {
          TableName: s.table,
          Key: agentKey(agent),
          UpdateExpression: 'REMOVE jobId, leaseUntilMs',
          ConditionExpression: 'jobId = :job',
          ExpressionAttributeValues: { ':job': jobId },
        },
      },
    },
    {
      label: 'pool-release',
      item: { Update: { TableName: s.table, Key: POOL_KEY, UpdateExpression: 'ADD active :m1', ExpressionAttributeValues: { ':m1': -1 } } },
    },
  ];
}

/** Updates job fields without a status change, when `guard` holds (the job must exist). False when the guard failed. */
export async function patchJob(s: StoreCtx, jobId: string, patch: JobPatch, guard: JobGuard, event?: OutboxEvent): Promise<boolean> {
  const u = buildUpdate(toAttributes(patch), []);
  const g = guardCondition(guard);
  Object.assign(u.ExpressionAttributeValues, g.values);
  Object.assign(u.ExpressionAttributeNames, g.names);
  const update = { TableName: s.table, Key: jobKey(jobId), ConditionExpression: ['attribute_exists(pk)', ...g.parts].join(' AND '), ...u };
  try {
    if (event) await transactWrite(s.doc, [{ label: 'job', item: { Update: update } }, outboxPut(s, event)]);
    else await s.doc.send(new UpdateCommand(update));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return false;
    if (e instanceof TransactionCancelledError && e.failed('job')) return false;
    throw e;
  }
}

/** A gsi partition of the jobs table, in key order (`forward`), up to `limit` items. */
function queryIndex(s: StoreCtx, index: string, pkName: string, pk: string, opts: { limit?: number; forward?: boolean } = {}) {
  return queryAll(
    s.doc,
    {
      TableName: s.table,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkName },
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: opts.forward ?? true,
    },
    opts.limit ?? Infinity,
  );
}

export const queuedJobs = async (s: StoreCtx, limit = 25): Promise<Job[]> => (await queryIndex(s, 'gsi2', 'gsi2pk', GSI2.queued, { limit })).map(itemToJob);
/** Queued jobs after `afterJobId` (their index key; none: from the oldest), oldest first: a dispatch pages past the ones nothing fits. */
export async function queuedAfter(s: StoreCtx, afterJobId: string | undefined, limit: number): Promise<Job[]> {
  const items = await queryAll(
    s.doc,
    {
      TableName: s.table,
      IndexName: 'gsi2',
      // A key condition may not compare with an empty string: the first page has no lower bound.
      KeyConditionExpression: afterJobId ? 'gsi2pk = :pk AND gsi2sk > :after' : 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': GSI2.queued, ...(afterJobId ? { ':after': afterJobId } : {}) },
    },
    limit,
  );
  return items.map(itemToJob);
}
export const activeJobs = async (s: StoreCtx): Promise<Job[]> => (await queryIndex(s, 'gsi2', 'gsi2pk', GSI2.active)).map(itemToJob);
export const finishedJobs = async (s: StoreCtx, limit: number): Promise<Job[]> =>
  (await queryIndex(s, 'gsi2', 'gsi2pk', GSI2.done, { limit, forward: false })).map(itemToJob);

/** A tenant's jobs, newest first, one page at a time. */
export async function tenantJobs(s: StoreCtx, tenant: string, limit: number, cursor?: string): Promise<{ jobs: Job[]; next?: string }> {
  const page = await gsi1Page(s, `TENANT#${tenant}`, { pkPrefix: 'JOB#', sk: 'JOB' }, limit, cursor);
  return { jobs: page.items.map(itemToJob), ...(page.next ? { next: page.next } : {}) };
}

/**
 * Records a terminal job's bill, once: a second write (a redelivered event that found the
 * ledger's replay) changes nothing. False when the job has its bill already.
 */
export async function recordBill(s: StoreCtx, jobId: string, bill: NonNullable<Job['bill']>): Promise<boolean> {
  try {
    await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: jobKey(jobId),
        UpdateExpression: 'SET billJson = :b',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(billJson)',
        ExpressionAttributeValues: { ':b': JSON.stringify(bill) },
      }),
    );
    return true;
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}
