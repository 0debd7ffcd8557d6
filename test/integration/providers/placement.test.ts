/**
 * Placement on the real engines and the real local sandbox: a job goes to the provider of the
 * buyer's RCs that cover it (burn-down order), else to an online provider whose free units fit
 * (cheapest spot first), a CPU job with neither to the exchange pool; nothing fits → QUEUED with
 * the reason. The job record carries providerId and the decision; the sandbox tags the container.
 * A placed job holds its units until it ends; a revoked provider is placed nothing; a dispatch
 * pages past the jobs nothing fits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { cancelJob } from '../../../functions/jobs/usecases/abort.ts';
import { getProvider } from '../../../functions/providers/store/reads.ts';
import { putRevocation } from '../../../functions/privacy/store/revocations.ts';
import * as api from '../../../functions/providers/api.ts';
import { purchaseRoute, quoteRoute } from '../../../functions/market/api.ts';
import { OFFLINE_AFTER_MS } from '../../../functions/providers/domain/heartbeat.ts';
import { jobsHarness, type Harness } from '../jobs/harness.ts';
import { call, heartbeat, joinedProvider, type Joined } from './support.ts';
import { topUp } from '../market/support.ts';
import { listSchedulerUnits } from '../../../functions/control-plane/usecases/reserve.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { parseAcu } from '../../../functions/platform/money.ts';

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

describe('units held by placed jobs, revoked providers, and a head of jobs nothing fits', () => {
  const sleeper = (numGpus: number): SubmitInput => ({ ...gpuJob(numGpus), spec: { ...gpuJob(numGpus).spec, command: ['sh', '-c', 'sleep 1'] } });
  const held = async (j: Joined) => (await getProvider(h.env.compositions.providers.store, j.providerId))!.heldUnits;

  beforeAll(async () => {
    // The offline test above left `dear` offline: its next heartbeat brings it back.
    await beat(cheap, 2);
    await beat(dear, 4);
  });

  it('a job holds its units until it ends; the next job takes them with no heartbeat between', async () => {
    const who: Principal = { ...buyer, id: 'prn_units', tenant: 'tenant-u' };
    expect(await held(dear)).toBe(0);
    const first = await submitJob(h.d, who, sleeper(3));
    await h.pumpUntil(async () => (await getJob(h.d.store, first.jobId))!.status === 'RUNNING');
    expect(await held(dear)).toBe(3);
    const second = await submitJob(h.d, who, sleeper(3));
    // The node still reports 4 free (its jobs run in this machine's sandbox): the held count keeps the second out.
    expect((await queuedWithReason(second.jobId)).reason).toMatch(/^no_provider_fits: /);
    expect(await ranOn(first.jobId)).toMatchObject({ status: 'COMPLETED', providerId: dear.providerId });
    expect(await ranOn(second.jobId)).toMatchObject({ status: 'COMPLETED', providerId: dear.providerId });
    expect(await held(dear)).toBe(0);
  });

  it('a head of more than ten jobs nothing fits does not starve a job behind it', async () => {
    const stuck: Principal = { ...buyer, id: 'prn_stuck', tenant: 'tenant-s' };
    const waiting = [];
    for (let i = 0; i < 11; i++) waiting.push(await submitJob(h.d, stuck, gpuJob(5)));
    for (const w of waiting) expect((await queuedWithReason(w.jobId)).reason).toMatch(/^no_provider_fits: /);
    const behind = await submitJob(h.d, { ...buyer, id: 'prn_behind', tenant: 'tenant-b' }, gpuJob(1));
    expect(await ranOn(behind.jobId)).toMatchObject({ status: 'COMPLETED', placement: { reason: 'spot' } });
    for (const w of waiting) await cancelJob(h.d, (await getJob(h.d.store, w.jobId))!);
    for (const w of waiting) expect(await ranOn(w.jobId)).toMatchObject({ status: 'ABORTED' });
  });

  it('a revoked provider gets no new jobs, however cheap', async () => {
    await putRevocation(
      { doc: h.rt.doc, table: h.rt.table('revocations') },
      { kind: 'provider', value: cheap.providerId, reason: 'test: key compromised', revokedAtMs: h.env.clock.nowMs(), by: 'prn_admin' },
    );
    await beat(cheap, 2);
    await beat(dear, 4);
    const job = await submitJob(h.d, { ...buyer, id: 'prn_after', tenant: 'tenant-r' }, gpuJob(1));
    expect(await ranOn(job.jobId)).toMatchObject({ status: 'COMPLETED', providerId: dear.providerId, placement: { reason: 'spot' } });
    // Only the revoked one has room: the job waits, and the reason names the revocation.
    const big: Principal = { ...buyer, id: 'prn_big', tenant: 'tenant-r2' };
    await beat(dear, 4, 1);
    const wait = await submitJob(h.d, big, gpuJob(2));
    expect((await queuedWithReason(wait.jobId)).reason).toContain(`revoked, given no new jobs: ${cheap.providerId}`);
    await cancelJob(h.d, (await getJob(h.d.store, wait.jobId))!);
  });
});

describe("the scheduler's part: fair among the cheapest, guarded by the buyer's position", () => {
  const cp = () => h.env.compositions['control-plane'];
  const unitsOf = async (...ids: string[]) =>
    (await listSchedulerUnits(cp())).filter((u) => ids.includes(u.providerId)).sort((x, y) => (x.unitId < y.unitId ? -1 : 1));

  it('heartbeats register the units; two equally cheap providers take turns by attained service; a job end frees its unit', async () => {
    const a = await joinedProvider(h.env, { claim: { spotPrice: '7', units: 1 } });
    const b = await joinedProvider(h.env, { claim: { spotPrice: '7', units: 1 } });
    await beat(a, 1);
    await beat(b, 1);
    const [lo, hi] = [a.providerId, b.providerId].sort();
    expect((await unitsOf(lo!, hi!)).map((u) => [u.unitId, u.kind, u.capacity.sms, u.attainedScm])).toEqual([
      [`${lo}/gpu0`, 'gpu', 132n, 0n],
      [`${hi}/gpu0`, 'gpu', 132n, 0n],
    ]);
    const fair: Principal = { ...buyer, id: 'prn_fair', tenant: 'tenant-f' };
    const first = await ranOn((await submitJob(h.d, fair, gpuJob(1))).jobId);
    expect(first).toMatchObject({ placement: { reason: 'spot', detail: expect.stringContaining("the scheduler's pick") } });
    expect([lo, hi]).toContain(first.providerId);
    // The first unit has served 5 SCM now: the next job goes to the other one.
    const second = await ranOn((await submitJob(h.d, fair, gpuJob(1))).jobId);
    expect(second).toMatchObject({ providerId: first.providerId === lo ? hi : lo, placement: { reason: 'spot' } });
    // The billing step, after each end, frees the allocations.
    await h.pumpUntil(async () => (await unitsOf(lo!, hi!)).every((u) => u.allocations.length === 0), { only: ['jobBilling'] });
    expect((await unitsOf(lo!, hi!)).map((u) => [u.attainedScm, u.allocations.length])).toEqual([
      [5n, 0],
      [5n, 0],
    ]);
  });

  it('a buyer owing more than the governed maximum exposure: the job stays QUEUED with the guard, nothing held', async () => {
    const debtor: Principal = { ...buyer, id: 'prn_debtor', tenant: 'tenant-d' };
    // 10,001 ACU owed (arrears), above the 10,000 ACU maximum exposure.
    await ledgerFor(h.rt).transfer({
      key: 'test:debt',
      requestHash: 'debt',
      postings: [{ from: account.arrears(debtor.id), to: account.provider(dear.providerId), amount: parseAcu('10001') }],
      memo: 'test: a debt',
      result: {},
    });
    const before = JSON.stringify(await listSchedulerUnits(cp()), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    const job = await submitJob(h.d, debtor, gpuJob(1));
    expect((await queuedWithReason(job.jobId)).reason).toMatch(/^resilience_guard: outstanding exposure would exceed the maximum \(scheduler\)$/);
    expect(JSON.stringify(await listSchedulerUnits(cp()), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toBe(before);
    await cancelJob(h.d, (await getJob(h.d.store, job.jobId))!);
  });
});
