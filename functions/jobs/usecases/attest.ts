/** Builds and signs a job's attestations with its agent's key. */
import { isoAt } from '../../platform/clock.ts';
import { sign, type CreationAttestation, type DeletionAttestation } from '../domain/attestation.ts';
import { tierOf, type Agent, type Job } from '../domain/job.ts';
import type { ContainerDriver, StopCause } from '../drivers/driver.ts';
import { getAgent } from '../store/agent-store.ts';
import type { JobsDeps } from '../deps.ts';

/** The job's agent; registered agents never change (name, identity, key), so each is read once per composition. */
export async function agentOf(d: JobsDeps, job: Job): Promise<Agent> {
  if (!job.agentId) throw new Error(`job ${job.jobId} holds no agent`);
  const known = d.agents.get(job.agentId);
  if (known) return known;
  const a = await getAgent(d.store, job.agentId);
  if (!a) throw new Error(`agent ${job.agentId} of job ${job.jobId} is not registered`);
  const { jobId: _busy, leaseUntilMs: _lease, ...stable } = a;
  d.agents.set(job.agentId, stable);
  return stable;
}

export async function signCreation(d: JobsDeps, job: Job, agent: Agent, containerId: string, createdAt: string): Promise<CreationAttestation> {
  return sign(
    {
      type: 'container:created',
      jobId: job.jobId,
      containerId,
      agentId: agent.name,
      identity: agent.identity,
      createdAt,
      jobHash: job.jobHash,
      ephemeral: true,
      privacyTier: tierOf(job),
      ...(job.attestationHash ? { attestationHash: job.attestationHash } : {}),
    },
    await d.signerFor(agent),
  );
}

export interface StopFacts {
  containerId: string;
  exitCode: number | null;
  stopCause?: StopCause | undefined;
  stopCode?: string | undefined;
  stoppedReason?: string | undefined;
  stoppedAt?: string | undefined;
}

export async function signDeletion(
  d: JobsDeps,
  job: Job,
  agent: Agent,
  driver: ContainerDriver,
  creation: CreationAttestation,
  stop: StopFacts,
): Promise<DeletionAttestation> {
  return sign(
    {
      type: 'container:destroyed',
      jobId: job.jobId,
      containerId: stop.containerId,
      createdAt: creation.createdAt,
      destroyedAt: stop.stoppedAt ?? isoAt(d.rt.clock.nowMs()),
      dataVolumes: [...driver.dataVolumes],
      deletionMethod: driver.deletionMethod,
      exitCode: stop.exitCode,
      stopReason: stop.stoppedReason ?? stop.stopCode ?? (stop.exitCode === 0 ? 'exited' : 'stopped'),
      privacyAttestation: true,
      privacyTier: tierOf(job),
      // Only a creation that carries the hash: a deletion never claims a gate its creation did not record.
      ...(creation.attestationHash ? { attestationHash: creation.attestationHash } : {}),
      // What left the container (recorded by the artifacts context before it stopped): the buyer checks downloads against these roots.
      ...(job.outputs?.length ? { outputs: job.outputs } : {}),
    },
    await d.signerFor(agent),
  );
}
