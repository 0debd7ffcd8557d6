/**
 * Item shapes in the jobs table. JSON documents (spec, profile, plan, attestations) are
 * stored as strings: DynamoDB would read their integers back as bigint and change the
 * canonical bytes the job hash and signatures cover.
 */
import { big } from '../../platform/dynamo/client.ts';
import type { Agent, Job } from '../domain/job.ts';
import { isTerminal, type JobStatus } from '../domain/lifecycle.ts';
import type { GpuMinutes } from '../domain/policy.ts';

export const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' });
export const agentKey = (name: string) => ({ pk: `AGENT#${name}`, sk: 'AGENT' });
export const POOL_KEY = { pk: 'POOL', sk: 'POOL' } as const;
export const quotaKey = (tenant: string) => ({ pk: `TENANT#${tenant}`, sk: 'QUOTA' });

export const GSI2 = { active: 'JOBS#ACTIVE', queued: 'JOBS#QUEUED', done: 'JOBS#DONE' } as const;

/** gsi2 places a job in one lifecycle partition: active, queued (arrival order: the ULID), or done. */
export function gsi2For(status: JobStatus, jobId: string, endedAt?: string): { gsi2pk: string; gsi2sk: string } {
  if (status === 'QUEUED') return { gsi2pk: GSI2.queued, gsi2sk: jobId };
  if (isTerminal(status)) return { gsi2pk: GSI2.done, gsi2sk: `${endedAt ?? ''}#${jobId}` };
  return { gsi2pk: GSI2.active, gsi2sk: jobId };
}

const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(big(v)));
const json = <T>(v: unknown): T | undefined => (typeof v === 'string' ? (JSON.parse(v) as T) : undefined);

export function jobToItem(j: Job): Record<string, unknown> {
  return {
    ...jobKey(j.jobId),
    jobId: j.jobId,
    tenant: j.tenant,
    ownerId: j.ownerId,
    adapter: j.adapter,
    specJson: JSON.stringify(j.spec),
    ...(j.inputs?.length ? { inputsJson: JSON.stringify(j.inputs) } : {}),
    profileJson: JSON.stringify(j.profile),
    planJson: JSON.stringify(j.plan),
    resourcesJson: JSON.stringify(j.resources),
    gpuMinutes: j.gpuMinutes,
    jobHash: j.jobHash,
    ...(j.privacy ? { privacyJson: JSON.stringify(j.privacy) } : {}),
    status: j.status,
    createdAt: j.createdAt,
    updatedAtMs: j.updatedAtMs,
    gsi1pk: `TENANT#${j.tenant}`,
    gsi1sk: j.jobId,
    ...gsi2For(j.status, j.jobId),
  };
}

export function itemToJob(i: Record<string, unknown>): Job {
  const job: Job = {
    jobId: String(i.jobId),
    tenant: String(i.tenant),
    ownerId: String(i.ownerId),
    adapter: String(i.adapter),
    spec: json(i.specJson)!,
    profile: json(i.profileJson)!,
    plan: json(i.planJson)!,
    resources: json(i.resourcesJson)!,
    gpuMinutes: num(i.gpuMinutes)! as GpuMinutes,
    jobHash: String(i.jobHash),
    status: i.status as JobStatus,
    createdAt: String(i.createdAt),
    updatedAtMs: num(i.updatedAtMs)!,
  };
  const opt = {
    reason: i.reason as string | undefined,
    deadlineMs: num(i.deadlineMs),
    agentId: i.agentId as string | undefined,
    identity: i.identity as string | undefined,
    claimedAtMs: num(i.claimedAtMs),
    releasedAtMs: num(i.releasedAtMs),
    launchStartedAtMs: num(i.launchStartedAtMs),
    containerId: i.containerId as string | undefined,
    taskVersion: num(i.taskVersion),
    abortReason: i.abortReason as string | undefined,
    abortRequestedAtMs: num(i.abortRequestedAtMs),
    exitCode: i.exitCode === null ? null : num(i.exitCode),
    endedAt: i.endedAt as string | undefined,
    privacy: json<Job['privacy']>(i.privacyJson),
    credentialHash: i.credentialHash as string | undefined,
    attestationHash: i.attestationHash as string | undefined,
    inputs: json<Job['inputs']>(i.inputsJson),
    outputs: json<Job['outputs']>(i.outputsJson),
    creation: json<Job['creation']>(i.creationJson),
    deletion: json<Job['deletion']>(i.deletionJson),
    providerId: i.providerId as string | undefined,
    placement: json<Job['placement']>(i.placementJson),
    bill: json<Job['bill']>(i.billJson),
  };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (job as unknown as Record<string, unknown>)[k] = v;
  return job;
}

export function itemToAgent(i: Record<string, unknown>): Agent {
  const a: Agent = {
    name: String(i.name),
    identity: String(i.identity),
    publicKey: String(i.publicKey),
    ownerId: String(i.ownerId),
    tenant: String(i.tenant),
    registeredAt: String(i.registeredAt),
  };
  if (typeof i.kmsKeyId === 'string') a.kmsKeyId = i.kmsKeyId;
  if (typeof i.jobId === 'string') a.jobId = i.jobId;
  if (i.leaseUntilMs !== undefined) a.leaseUntilMs = Number(big(i.leaseUntilMs));
  return a;
}
