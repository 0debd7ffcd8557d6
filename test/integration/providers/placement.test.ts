/**
 * Placement on the real engines and the real local sandbox: a job goes to the provider of the
 * buyer's RCs that cover it (burn-down order), else to an online provider whose free units fit
 * (cheapest spot first), a CPU job with neither to the exchange pool; nothing fits → QUEUED with
 * the reason. The job record carries providerId and the decision; the sandbox tags the container.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import * as api from '../../../functions/providers/api.ts';
import { purchaseRoute, quoteRoute } from '../../../functions/market/api.ts';
import { OFFLINE_AFTER_MS } from '../../../functions/providers/domain/heartbeat.ts';
import { jobsHarness, type Harness } from '../jobs/harness.ts';
import { call, heartbeat, joinedProvider, type Joined } from './support.ts';
import { topUp } from '../market/support.ts';

const buyer: Principal = { id: 'prn_buyer', tenant: 'tenant-a', roles: ['buyer'], keyId: 'key_1' };
const gpuJob = (numGpus: number): SubmitInput => ({
  adapter: 'render',
  spec: { frames: 1, numGpus, scmMinutes: 5, image: 'local/sandbox', command: ['true'] },
  timeoutMs: 20_000,
  memoryMb: 256,
});

let h: Harness;
let cheap: Joined;
let dear: Joined;

const beat = async (j: Joined, gpus: number, freeUnits = gpus) => {
  h.env.clock.advance(1);
  const r = await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(h.env, j, { gpus, freeUnits }) });
  if (r.status !== 200) throw new Error(`heartbeat ${r.status} ${JSON.stringify(r.body)}`);
};

beforeAll(async () => {
  h = await jobsHarness({ agents: 4, placer: 'directory' });
  cheap = await joinedProvider(h.env, { claim: { spotPrice: '8', units: 2 } });
  dear = await joinedProvider(h.env, { claim: { spotPrice: '9.5', units: 4 } });
  await beat(cheap, 2);
  await beat(dear, 4);
});
afterAll(async () => {
  await h?.close();
});

const ranOn = (jobId: string) => h.waitTerminal(jobId);
const queuedWithReason = async (jobId: string) => {
  await h.pumpUntil(async () => {
    const j = await getJob(h.d.store, jobId);
    return j?.status === 'QUEUED' && j.reason !== undefined;
  });
  return (await getJob(h.d.store, jobId))!;
};

describe('placement', () => {
  it('a GPU job no RC covers goes to the cheapest online provider with free units, at spot; it runs tagged with it', async () => {
    const job = await submitJob(h.d, buyer, gpuJob(1));
    const done = await ranOn(job.jobId);
    expect(done).toMatchObject({ status: 'COMPLETED', providerId: cheap.providerId, placement: { providerId: cheap.providerId, reason: 'spot' } });
    const launched = h.jobEvents(job.jobId).find((e) => e.detail.to === 'LAUNCHING')!;
    expect(launched.detail.providerId).toBe(cheap.providerId);
  });

  it('free units fit: a job for 3 GPUs passes the 2-unit provider for the one with 4', async () => {
    await beat(cheap, 2);
    const job = await submitJob(h.d, buyer, gpuJob(3));
    expect(await ranOn(job.jobId)).toMatchObject({ providerId: dear.providerId, placement: { reason: 'spot' } });
  });

  it("the buyer's RCs decide first: a job goes to the RCs' provider even when another is cheaper", async () => {
    await beat(cheap, 2);
    await beat(dear, 4);
    await topUp(h.rt, buyer.id, '1000');
    const q = await call(quoteRoute, buyer, { body: { tenor: 'T7D', quantityScu: 20, providerIds: [dear.providerId] } });
    expect((await call(purchaseRoute, buyer, { body: { quoteId: q.body.quoteId } })).status).toBe(201);
    const job = await submitJob(h.d, buyer, gpuJob(1));
    const done = await ranOn(job.jobId);
    expect(done).toMatchObject({ providerId: dear.providerId, placement: { providerId: dear.providerId, reason: 'rc_coverage' } });
    expect(done.placement!.detail).toContain('20 free SCU');
  });

  it('a CPU job with no RC runs on the exchange pool', async () => {
    const other: Principal = { ...buyer, id: 'prn_other', tenant: 'tenant-b' };
    const job = await submitJob(h.d, other, gpuJob(0));
    expect(await ranOn(job.jobId)).toMatchObject({ providerId: 'exchange', placement: { reason: 'exchange_pool' } });
  });

  it('nothing fits → QUEUED with the reason (no 5xx); it is placed once a provider has the units', async () => {
    const other: Principal = { ...buyer, id: 'prn_other2', tenant: 'tenant-c' };
    await beat(cheap, 2);
    await beat(dear, 4, 3);
    const wait = await submitJob(h.d, other, gpuJob(4));
    const queued = await queuedWithReason(wait.jobId);
    expect(queued.reason).toMatch(/^no_provider_fits: /);
    await beat(dear, 4, 4);
    await h.deliver('jobSteps', [{ kind: 'dispatch' }]);
    expect(await ranOn(wait.jobId)).toMatchObject({ status: 'COMPLETED', providerId: dear.providerId });
    expect((await getJob(h.d.store, wait.jobId))!.reason).toBeUndefined();
  });

  it('an offline provider gets no new jobs', async () => {
    const lone: Principal = { ...buyer, id: 'prn_lone', tenant: 'tenant-d' };
    await beat(dear, 4);
    h.env.clock.advance(OFFLINE_AFTER_MS + 1);
    await beat(cheap, 2);
    const swept = (await (await h.env.invoke('functions/providers/handlers/offline-sweep.ts'))({}, {})) as { offline: string[] };
    expect(swept.offline).toContain(dear.providerId);
    const job = await submitJob(h.d, lone, gpuJob(3));
    expect((await queuedWithReason(job.jobId)).reason).toMatch(/no_provider_fits/);
  });
});
