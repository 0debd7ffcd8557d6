/**
 * Container state → job state. RUNNING signs the creation attestation and moves the job
 * to RUNNING in one conditional write; STOPPED signs the deletion attestation and ends the
 * job. Duplicates and out-of-order events are harmless: a version at or below the one
 * recorded is ignored, and every move is conditional on the expected status.
 */
import { isoAt } from '../../platform/clock.ts';
import { isTerminal, mayHaveContainer } from '../domain/lifecycle.ts';
import type { ContainerState } from '../../../events/container-state.ts';
import { getJob, patchJob, transition } from '../store/job-store.ts';
import { agentOf, signCreation } from './attest.ts';
import type { JobsDeps } from '../deps.ts';
import { finishStopped } from './finish.ts';
import { startNext } from './pool.ts';
import { jobEvent, publishStaged } from './notify.ts';

export async function onTaskState(d: JobsDeps, ev: ContainerState): Promise<string> {
  // A failed guard means another writer moved the job meanwhile: judge the event again on
  // the fresh job, so an event is never dropped because of a race.
  for (let attempt = 0; attempt < 4; attempt++) {
    const outcome = await applyTaskState(d, ev);
    if (outcome !== 'moved by another') return outcome;
  }
  throw new Error(`job ${ev.jobId} kept moving while applying ${ev.lastStatus} v${ev.version}`);
}

async function applyTaskState(d: JobsDeps, ev: ContainerState): Promise<string> {
  if (!ev.jobId || !/^job_[0-9A-Z]{26}$/.test(ev.jobId)) return 'not a job container';
  const job = await getJob(d.store, ev.jobId);
  if (!job) return 'unknown job';
  const stopped = ev.lastStatus === 'STOPPED';
  if (job.containerId && job.containerId !== ev.containerId) {
    // A second container for one job (a launch that was retried after a crash): never keep it.
    if (!stopped) await (await d.driver()).stop(ev.containerId, 'duplicate container for the job');
    return 'foreign container stopped';
  }
  if (isTerminal(job.status)) {
    if (!job.containerId && !stopped) await (await d.driver()).stop(ev.containerId, 'job already ended');
    return 'job already ended';
  }
  if (job.taskVersion !== undefined && ev.version <= job.taskVersion) return 'stale version';
  if (!mayHaveContainer(job.status)) return `unexpected in ${job.status}`;

  if (stopped) {
    const ended = await finishStopped(d, job, { ...ev, exitCode: ev.exitCode ?? null });
    if (!ended) return 'moved by another';
    if (ended.freedAgent) await startNext(d);
    return ended.status;
  }
  if (ev.lastStatus === 'RUNNING' && job.status === 'LAUNCHING' && job.privacy) {
    // An attested job's container runs, but its workload has no key yet: the sidecar's handshake
    // (privacy context) moves it on to RUNNING, and the creation attestation is signed then, with the hash.
    const now = d.rt.clock.nowMs();
    const event = jobEvent(d, job, 'LAUNCHING', 'ATTESTING', { containerId: ev.containerId, agentId: job.agentId });
    const r = await transition(d.store, job, 'LAUNCHING', 'ATTESTING', { containerId: ev.containerId, taskVersion: ev.version }, now, {
      event,
      guard: { containerIs: ev.containerId, taskVersionBelow: ev.version },
    });
    if (!r.ok) return 'moved by another';
    await publishStaged(d, [event]);
    return 'ATTESTING';
  }
  if (ev.lastStatus === 'RUNNING' && job.status === 'LAUNCHING') {
    const now = d.rt.clock.nowMs();
    const creation = await signCreation(d, job, await agentOf(d, job), ev.containerId, ev.createdAt ?? ev.startedAt ?? isoAt(now));
    const event = jobEvent(d, job, 'LAUNCHING', 'RUNNING', { containerId: ev.containerId, agentId: job.agentId, creationAttested: true });
    const r = await transition(d.store, job, 'LAUNCHING', 'RUNNING', { containerId: ev.containerId, creation, taskVersion: ev.version }, now, {
      event,
      guard: { containerIs: ev.containerId, taskVersionBelow: ev.version },
    });
    if (!r.ok) return 'moved by another';
    d.fault('after:RUNNING');
    await publishStaged(d, [event]);
    return 'RUNNING';
  }
  // PROVISIONING, PENDING, DEPROVISIONING, or RUNNING again: remember the container and version.
  await patchJob(d.store, job.jobId, { containerId: ev.containerId, taskVersion: ev.version }, { containerIs: ev.containerId, taskVersionBelow: ev.version });
  return `noted ${ev.lastStatus}`;
}
