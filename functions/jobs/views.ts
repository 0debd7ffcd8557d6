/** API views of jobs and agents: domain → wire (the shapes of api.ts). */
import { isoAt } from '../platform/clock.ts';
import { tierOf, type Agent, type Job } from './domain/job.ts';
import { isTerminal } from './domain/lifecycle.ts';

export function jobView(j: Job) {
  return {
    jobId: j.jobId,
    adapter: j.adapter,
    status: j.status,
    ...(j.reason ? { reason: j.reason } : {}),
    spec: j.spec,
    ...(j.inputs?.length ? { inputs: j.inputs } : {}),
    profile: j.profile,
    plan: j.plan,
    resources: j.resources,
    gpuMinutes: j.gpuMinutes,
    jobHash: j.jobHash,
    privacy: { tier: tierOf(j), attesters: j.privacy?.attesters ?? [], ...(j.attestationHash ? { attestationHash: j.attestationHash } : {}) },
    createdAt: j.createdAt,
    updatedAt: isoAt(j.updatedAtMs),
    ...(j.agentId ? { agent: { name: j.agentId, identity: j.identity ?? '' } } : {}),
    ...(j.containerId ? { containerId: j.containerId } : {}),
    ...(j.exitCode !== undefined ? { exitCode: j.exitCode } : {}),
    ...(j.deadlineMs !== undefined && !isTerminal(j.status) ? { deadline: isoAt(j.deadlineMs) } : {}),
    ...(j.endedAt ? { endedAt: j.endedAt } : {}),
    ...(j.abortReason && !isTerminal(j.status) ? { abortRequested: j.abortReason } : {}),
    attested: { creation: Boolean(j.creation), deletion: Boolean(j.deletion) },
    ...(j.providerId ? { providerId: j.providerId } : {}),
    ...(j.placement ? { placement: j.placement } : {}),
    ...(j.bill ? { bill: j.bill } : {}),
  };
}

export function agentView(a: Agent) {
  return {
    name: a.name,
    identity: a.identity,
    publicKey: a.publicKey,
    registeredAt: a.registeredAt,
    busy: Boolean(a.jobId),
    ...(a.jobId ? { jobId: a.jobId } : {}),
  };
}

export function attestationsView(j: Job, agent: Agent | null) {
  return {
    jobId: j.jobId,
    status: j.status,
    jobHash: j.jobHash,
    agent: agent ? { name: agent.name, identity: agent.identity, publicKey: agent.publicKey } : null,
    creation: j.creation ?? null,
    deletion: j.deletion ?? null,
  };
}
