/**
 * The job steps. A step message names the status it expects; if the job has moved on, the
 * message is a duplicate or late and does nothing. Each step is one conditional move
 * (published as an event); a message carries the job through the steps that need no
 * waiting (PENDING → PROFILING → ALLOCATING → LAUNCHING → launch) one conditional write at
 * a time, and stops where the job waits: QUEUED for an agent, or the container's events.
 * Normal flow never relies on a redelivery. A crash between two steps leaves the job in a
 * stepped status; the timeout sweep re-sends that step as a new message.
 *
 * Adding a step is one entry in STEPS (and its status in domain/lifecycle.ts): a step takes
 * the job in its status and says where it moved it, and whether it freed an agent.
 */
import { canonicalize } from '../../platform/canonical-json.ts';
import type { Job } from '../domain/job.ts';
import type { JobStatus } from '../domain/lifecycle.ts';
import { loadAdapter } from '../domain/adapters/registry.ts';
import { listAgents } from '../store/agent-store.ts';
import { getJob, queuedJobs, transition } from '../store/job-store.ts';
import type { JobsDeps } from '../deps.ts';
import { finishWithoutContainer } from './finish.ts';
import { jobEvent, publishStaged, sendSteps, type StepMessage } from './notify.ts';
import { claim, dispatch, launch, startNext } from './pool.ts';

/** What one step did: where it moved the job (if it did), a note for the log, what it freed. */
export interface StepOutcome {
  to?: JobStatus;
  note: string;
  freedAgent?: boolean;
}

type Step = (d: JobsDeps, job: Job) => Promise<StepOutcome>;

const MOVED: StepOutcome = { note: 'moved by another' };

export const STEPS: Partial<Record<JobStatus, Step>> = {
  PENDING: (d, job) => simpleMove(d, job, 'PENDING', 'PROFILING'),
  PROFILING: profile,
  ALLOCATING: allocate,
  LAUNCHING: async (d, job) => {
    const r = await launch(d, job);
    return { note: r.note, freedAgent: r.freedAgent, ...(r.ended ? { to: r.ended } : {}) };
  },
};

export async function handleStep(d: JobsDeps, msg: StepMessage): Promise<string> {
  if (msg.kind === 'dispatch') return `dispatched ${await dispatch(d)}`;
  let job = await getJob(d.store, msg.jobId);
  if (!job) return 'unknown job';
  if (job.status !== msg.from) return `stale (job is ${job.status})`;
  const trail: string[] = [];
  let freed = false;
  // Continue while a step moved the job to another status that has a step of its own.
  for (let i = 0; i < Object.keys(STEPS).length; i++) {
    const step = STEPS[job.status];
    if (!step) {
      trail.push(`nothing to do in ${job.status}`);
      break;
    }
    const from = job.status;
    const outcome = await step(d, job);
    trail.push(outcome.to ?? outcome.note);
    freed ||= Boolean(outcome.freedAgent);
    if (!outcome.to || !STEPS[outcome.to]) break;
    const next = await getJob(d.store, job.jobId);
    if (!next || next.status === from || next.status !== outcome.to) break;
    job = next;
  }
  // This step's own launch failed and gave its agent back: let a queued job have it.
  if (freed) await startNext(d);
  return trail.join(' → ');
}

async function simpleMove(d: JobsDeps, job: Job, from: JobStatus, to: JobStatus): Promise<StepOutcome> {
  const event = jobEvent(d, job, from, to);
  const r = await transition(d.store, job, from, to, {}, d.rt.clock.nowMs(), { event });
  if (!r.ok) return MOVED;
  await publishStaged(d, [event]);
  d.fault(`after:${to}`);
  return { to, note: to };
}

/** Re-derives the profile and plan: an adapter changed since submission must not run a different job. */
async function profile(d: JobsDeps, job: Job): Promise<StepOutcome> {
  let same = false;
  try {
    const p = loadAdapter(job.adapter).prepare(job.spec);
    same = canonicalize(p.profile) === canonicalize(job.profile) && canonicalize(p.plan) === canonicalize(job.plan);
  } catch {
    same = false;
  }
  if (!same) return (await finishWithoutContainer(d, job, 'FAILED', 'profile_changed')) ? { to: 'FAILED', note: 'FAILED' } : MOVED;
  return simpleMove(d, job, 'PROFILING', 'ALLOCATING');
}

/** Jobs wait in arrival order: a new job queues behind any already waiting. */
async function allocate(d: JobsDeps, job: Job): Promise<StepOutcome> {
  const [waiting, agents] = await Promise.all([queuedJobs(d.store, 1), listAgents(d.store)]);
  let reason: string | undefined;
  if (waiting.length === 0) {
    const c = await claim(d, job, 'ALLOCATING', agents);
    if (c === 'claimed') return { to: 'LAUNCHING', note: 'LAUNCHING' };
    if (c === 'moved') return MOVED;
    if (typeof c === 'object') reason = c.unplaced;
  }
  const event = jobEvent(d, job, 'ALLOCATING', 'QUEUED', reason ? { reason } : {});
  const r = await transition(d.store, job, 'ALLOCATING', 'QUEUED', reason ? { reason } : {}, d.rt.clock.nowMs(), { event });
  if (!r.ok) return MOVED;
  await publishStaged(d, [event]);
  // An agent may have freed between the claim attempt and the queueing.
  await sendSteps(d, [{ kind: 'dispatch' }]);
  return { to: 'QUEUED', note: 'QUEUED' };
}
