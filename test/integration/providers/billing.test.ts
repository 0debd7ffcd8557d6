/**
 * Billing when a job ends, on the real engines and sandbox: the terminal event reaches the
 * billing queue (EVENT_RULES), the consumer applies the runtime between the signed attestations
 * through the market's coverage (the buyer's RCs on the job's provider first, the rest at spot),
 * exactly once — a redelivered event, a crash between the ledger write and the job update, a
 * second cancel: one ledger transfer, one bill. The bill is on the job (GET /v1/jobs/{id}).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { cancelJob } from '../../../functions/jobs/usecases/abort.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { getJobRoute } from '../../../functions/jobs/api.ts';
import * as api from '../../../functions/providers/api.ts';
import { portfolioRoute, purchaseRoute, quoteRoute } from '../../../functions/market/api.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { jobsHarness, type Harness } from '../jobs/harness.ts';
import { scanTable } from '../../support/scan.ts';
import { call, heartbeat, joinedProvider, type Joined } from './support.ts';
import { topUp } from '../market/support.ts';
import { sweep } from '../../../functions/jobs/usecases/sweep.ts';
import { takeUnits } from '../../../functions/providers/store/writes.ts';
import { getProvider } from '../../../functions/providers/store/reads.ts';
import { OFFLINE_AFTER_MS } from '../../../functions/providers/domain/heartbeat.ts';
import { receiptRoute, signingKeysRoute, sliceRoute } from '../../../functions/control-plane/api.ts';
import { verifyReceipt, type SignedReceipt } from '../../../functions/control-plane/index.ts';
import { formatAcu, parseAcu } from '../../../functions/platform/money.ts';
import { sliceMessage } from '../../../functions/control-plane/domain/metering.ts';
import { signCanonical } from '../../../sdk/provider/node-key.ts';

const rcBuyer: Principal = { id: 'prn_rcbuyer', tenant: 't-rc', roles: ['buyer'], keyId: 'k1' };
const spotBuyer: Principal = { id: 'prn_spotbuyer', tenant: 't-spot', roles: ['buyer'], keyId: 'k2' };
const job = (script: string): SubmitInput => ({
  adapter: 'render',
  spec: { frames: 1, numGpus: 1, scmMinutes: 5, image: 'local/sandbox', command: ['sh', '-c', script] },
  timeoutMs: 600_000,
  memoryMb: 256,
});

let h: Harness;
let p: Joined;

const ledger = () => ledgerFor(h.rt);
const transfersOf = async (jobId: string) =>
  (await scanTable(h.rt, 'ledger')).filter((i) => i.key === `job:${jobId}` && String(i.sk).startsWith('ENTRY#')).length;
/** Takes the billing queue's messages off it (the test delivers them itself, as often as it likes). */
async function billEvents(): Promise<unknown[]> {
  const msgs = await h.take('jobBilling');
  for (const m of msgs) await h.env.sqs.send(new DeleteMessageCommand({ QueueUrl: h.env.queues!.jobBilling, ReceiptHandle: m.ReceiptHandle! }));
  return msgs.map((m) => JSON.parse(m.Body!));
}

/** Runs a job for `seconds` of the exchange's clock: advanced while its container runs. */
// The workload outlives the moment the test sees RUNNING and moves the clock (a 0.3 s one could end first under load and bill 0 s).
async function runFor(who: Principal, seconds: number, script = 'sleep 2'): Promise<string> {
  const { jobId } = await submitJob(h.d, who, job(script));
  await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
  h.env.clock.advance(seconds * 1000);
  await h.waitTerminal(jobId);
  return jobId;
}

/** A slice body as the provider's node sends it: signed with its node key. */
function signedSlice(j: Joined, b: { jobId: string; bucketId: string; seq: number; scmDeltaMilli: string; priceIndex: string }) {
  const message = sliceMessage(j.providerId, { ...b, scmDeltaMilli: BigInt(b.scmDeltaMilli), priceIndexMicro: parseAcu(b.priceIndex) });
  return { ...b, signature: signCanonical(j.key, message) };
}

/** A short spot job ended, its billing events taken off the queue, and the billing step set to crash once at `point`. */
async function endedOnce(point: string): Promise<{ jobId: string; bodies: unknown[] }> {
  await beat();
  const { jobId } = await submitJob(h.d, spotBuyer, job('true'));
  await h.waitTerminal(jobId);
  const bodies = await billEvents();
  let crashes = 0;
  h.setFault((at) => {
    if (at === point && crashes++ === 0) throw new Error(`injected crash at ${point}`);
  });
  return { jobId, bodies };
}

/** Delivers what is on the billing queue (the terminal events) to the billing consumer. */
async function bill(): Promise<void> {
  await h.pumpUntil(async () => (await h.visible('jobBilling')) === 0, { only: ['jobBilling'] });
}

beforeAll(async () => {
  h = await jobsHarness({ agents: 3, placer: 'directory' });
  p = await joinedProvider(h.env, { claim: { spotPrice: '2', units: 4 } });
  const r = await call(api.heartbeatRoute, p.principal, { params: { id: p.providerId }, body: heartbeat(h.env, p, { gpus: 4 }) });
  expect(r.status).toBe(200);
  await topUp(h.rt, rcBuyer.id, '500');
  await topUp(h.rt, spotBuyer.id, '500');
  const q = await call(quoteRoute, rcBuyer, { body: { tenor: 'T7D', quantityScu: 5, providerIds: [p.providerId] } });
  expect((await call(purchaseRoute, rcBuyer, { body: { quoteId: q.body.quoteId } })).status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const beat = async () => {
  h.env.clock.advance(1);
  await call(api.heartbeatRoute, p.principal, { params: { id: p.providerId }, body: heartbeat(h.env, p, { gpus: 4 }) });
};

describe('billing a finished job', () => {
  it("a completed job on the RCs' provider: the RC is drawn first (earliest expiry), the rest at spot, the bill on the job", async () => {
    const before = await ledger().balance(account.provider(p.providerId));
    // 390 s at 1.000 SCM/min = 7 SCU (RUNTIME_CEIL): the RC's 5 SCU first, 2 SCU at 2 ACU spot.
    const jobId = await runFor(rcBuyer, 390);
    await bill();
    const done = (await getJob(h.d.store, jobId))!;
    expect(done).toMatchObject({ status: 'COMPLETED', providerId: p.providerId, placement: { reason: 'rc_coverage' } });
    expect(done.bill).toMatchObject({ rule: 'completed', providerId: p.providerId, scu: 7, coveredScu: 5, spotScu: 2, spotAmount: '4.000000' });
    expect(done.bill!.runtimeSeconds).toBeGreaterThanOrEqual(390);
    expect(done.bill!.rcDraws).toHaveLength(1);
    expect(await transfersOf(jobId)).toBeGreaterThan(0);
    // The provider is paid now all but the governed 10 % of the spot part (0.4 ACU), held for the dispute window.
    expect(done.bill).toMatchObject({ basis: 'runtime', spotPrice: '2.000000', hold: '0.400000' });
    const earned = (await ledger().balance(account.provider(p.providerId))) - before;
    expect(earned).toBe(parseAcu(done.bill!.amount) - parseAcu(done.bill!.hold));
    // The settlement's signed receipt: what the one transfer moved, verified with the published keys.
    const receipt = await call(receiptRoute, rcBuyer, { params: { id: jobId } });
    expect(receipt.status).toBe(200);
    expect(receipt.body.receipt).toMatchObject({
      jobId,
      buyerId: rcBuyer.id,
      providerId: p.providerId,
      basis: 'runtime',
      slices: 0,
      scm: '7',
      spotScm: '2',
      twap: '2.000000',
      burn: '4.000000',
      hold: '0.400000',
      providerAmount: formatAcu(earned),
      ledgerTransferIds: [done.bill!.transferId],
    });
    expect(
      verifyReceipt((await call(signingKeysRoute, null)).body.keys as Parameters<typeof verifyReceipt>[0], receipt.body as unknown as SignedReceipt).valid,
    ).toBe(true);
    // The buyer sees the RC drawn down at once; GET /v1/jobs/{id} shows the bill.
    const portfolio = await call(portfolioRoute, rcBuyer, { params: { userId: rcBuyer.id } });
    expect(JSON.stringify(portfolio.body)).toContain('"usedScu":5');
    const view = await call(getJobRoute, rcBuyer, { params: { id: jobId } });
    expect(view.body).toMatchObject({ providerId: p.providerId, bill: { scu: 7, coveredScu: 5, spotScu: 2, amount: done.bill!.amount } });
  });

  it('no RC left: the job is billed at the provider spot price, from the buyer balance', async () => {
    await beat();
    const balance = await ledger().balance(account.user(spotBuyer.id));
    const jobId = await runFor(spotBuyer, 61);
    await bill();
    const done = (await getJob(h.d.store, jobId))!;
    // 61 s → 2 SCU (a started standard minute is billed whole) × 2 ACU.
    expect(done.bill).toMatchObject({ rule: 'completed', scu: 2, coveredScu: 0, spotScu: 2, spotAmount: '4.000000', amount: '4.000000', rcDraws: [] });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(4_000_000n);
  });

  it('a redelivered terminal event bills nothing more', async () => {
    await beat();
    const { jobId } = await submitJob(h.d, spotBuyer, job('true'));
    await h.waitTerminal(jobId);
    const bodies = await billEvents();
    expect(bodies.length).toBeGreaterThan(0);
    await h.deliver('jobBilling', bodies);
    const balance = await ledger().balance(account.user(spotBuyer.id));
    const first = (await getJob(h.d.store, jobId))!.bill;
    expect(first).toBeDefined();
    // The same events again, twice.
    await h.deliver('jobBilling', [...bodies, ...bodies]);
    expect(await ledger().balance(account.user(spotBuyer.id))).toBe(balance);
    expect((await getJob(h.d.store, jobId))!.bill).toEqual(first);
  });

  it('killed between the ledger write and the job update: the redelivery records the bill, the ledger moved once', async () => {
    const { jobId, bodies } = await endedOnce('billing:after-apply');
    const balance = await ledger().balance(account.user(spotBuyer.id));
    const first = await h.deliver('jobBilling', bodies);
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await getJob(h.d.store, jobId))!.bill).toBeUndefined();
    const paid = balance - (await ledger().balance(account.user(spotBuyer.id)));
    expect(paid).toBe(2_000_000n);
    const again = await h.deliver('jobBilling', bodies);
    expect(again.batchItemFailures).toHaveLength(0);
    h.setFault(undefined);
    expect((await getJob(h.d.store, jobId))!.bill).toMatchObject({ scu: 1, spotAmount: '2.000000' });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(paid);
  });

  it('a metered job is billed what its slices say: whole SCM rounded up, the spot part at their SCM-weighted TWAP', async () => {
    await beat();
    const balance = await ledger().balance(account.user(spotBuyer.id));
    const { jobId } = await submitJob(h.d, spotBuyer, job('sleep 2'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    // The provider's node meters 2.5 SCM at 3 ACU and 1.2 SCM at 1.5 ACU: 3.7 SCM → 4 SCM (METER_CEIL),
    // TWAP = (2500 × 3 + 1200 × 1.5) / 3700 = 2.513514 ACU (TWAP_HALF_UP); 4 × 2.513514 = 10.054056 ACU.
    const bucketId = 'A100:eu-west-1';
    for (const [seq, milli, price] of [
      [0, '2500', '3'],
      [1, '1200', '1.5'],
    ] as const)
      expect((await call(sliceRoute, p.principal, { body: signedSlice(p, { jobId, bucketId, seq, scmDeltaMilli: milli, priceIndex: price }) })).status).toBe(
        200,
      );
    h.env.clock.advance(3_600_000); // a runtime that would bill 60 SCU: the slices win
    await h.waitTerminal(jobId);
    await bill();
    const done = (await getJob(h.d.store, jobId))!;
    expect(done.bill).toMatchObject({ basis: 'metered', scu: 4, spotScu: 4, spotPrice: '2.513514', spotAmount: '10.054056', hold: '1.005405' });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(10_054_056n);
    const receipt = await call(receiptRoute, p.principal, { params: { id: jobId } });
    expect(receipt.body.receipt).toMatchObject({ basis: 'metered', slices: 2, meteredScmMilli: '3700', scm: '4', twap: '2.513514', burn: '10.054056' });
  });

  it('killed between the receipt and the bill: the redelivery records the bill, one receipt, the ledger moved once', async () => {
    const { jobId, bodies } = await endedOnce('billing:after-receipt');
    const balance = await ledger().balance(account.user(spotBuyer.id));
    expect((await h.deliver('jobBilling', bodies)).batchItemFailures).toHaveLength(1);
    expect((await getJob(h.d.store, jobId))!.bill).toBeUndefined();
    const first = await call(receiptRoute, spotBuyer, { params: { id: jobId } });
    expect(first.status).toBe(200);
    const paid = balance - (await ledger().balance(account.user(spotBuyer.id)));
    h.env.clock.advance(5_000);
    expect((await h.deliver('jobBilling', bodies)).batchItemFailures).toHaveLength(0);
    h.setFault(undefined);
    const bill = (await getJob(h.d.store, jobId))!.bill!;
    expect(first.body.receipt).toMatchObject({ jobId, ledgerTransferIds: [bill.transferId], burn: bill.spotAmount });
    await h.deliver('jobBilling', bodies);
    expect((await call(receiptRoute, spotBuyer, { params: { id: jobId } })).body).toEqual(first.body);
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(paid);
  });

  it('cancelled by the buyer while running: billed; cancelled twice: one bill', async () => {
    await beat();
    const { jobId } = await submitJob(h.d, spotBuyer, job('sleep 30'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    h.env.clock.advance(30_000);
    await cancelJob(h.d, (await getJob(h.d.store, jobId))!);
    await cancelJob(h.d, (await getJob(h.d.store, jobId))!).catch(() => undefined);
    await h.waitTerminal(jobId);
    const balance = await ledger().balance(account.user(spotBuyer.id));
    await bill();
    await bill();
    const done = (await getJob(h.d.store, jobId))!;
    expect(done).toMatchObject({ status: 'ABORTED', reason: 'cancelled', bill: { rule: 'cancelled_by_buyer', scu: 1 } });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(2_000_000n);
  });

  it('never started (cancelled while queued): not billed', async () => {
    await beat();
    // Fill the three agents, then queue one more and cancel it.
    const busy = await Promise.all([1, 2, 3].map(() => submitJob(h.d, spotBuyer, job('sleep 30'))));
    await h.pumpUntil(async () => (await Promise.all(busy.map((b) => getJob(h.d.store, b.jobId)))).every((j) => j!.status === 'RUNNING'));
    const { jobId } = await submitJob(h.d, spotBuyer, job('true'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'QUEUED');
    await cancelJob(h.d, (await getJob(h.d.store, jobId))!);
    expect((await getJob(h.d.store, jobId))!.status).toBe('ABORTED');
    for (const b of busy) await cancelJob(h.d, (await getJob(h.d.store, b.jobId))!);
    await Promise.all(busy.map((b) => h.waitTerminal(b.jobId)));
    const balance = await ledger().balance(account.user(spotBuyer.id));
    await bill();
    expect((await getJob(h.d.store, jobId))!.bill).toBeUndefined();
    // The three cancelled while running are billed (1 SCU each at 2 ACU).
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(6_000_000n);
  });

  it('completions of one buyer on one provider delivered together are applied as one batch (one ledger transaction)', async () => {
    await beat();
    const a = await submitJob(h.d, spotBuyer, job('true'));
    const b = await submitJob(h.d, spotBuyer, job('true'));
    await Promise.all([h.waitTerminal(a.jobId), h.waitTerminal(b.jobId)]);
    const bodies = await billEvents();
    expect(bodies).toHaveLength(2);
    const balance = await ledger().balance(account.user(spotBuyer.id));
    expect((await h.deliver('jobBilling', bodies)).batchItemFailures).toEqual([]);
    // One transaction for both, whichever of the two the batch names first.
    const headers = (await scanTable(h.rt, 'ledger')).filter(
      (i) => typeof i.key === 'string' && String(i.key).startsWith('jobs:') && (i.memo === `jobs ${a.jobId} +1` || i.memo === `jobs ${b.jobId} +1`),
    );
    expect(headers).toHaveLength(1);
    for (const id of [a.jobId, b.jobId]) expect((await getJob(h.d.store, id))!.bill).toMatchObject({ scu: 1, spotAmount: '2.000000' });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(4_000_000n);
    // Each delivered again alone: replays, nothing more.
    for (const body of bodies) await h.deliver('jobBilling', [body]);
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(4_000_000n);
  });

  it('its provider goes offline mid-run: the job ends (provider_offline) and, by the rule, is not billed', async () => {
    await beat();
    const { jobId } = await submitJob(h.d, spotBuyer, job('sleep 30'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    h.env.clock.advance(OFFLINE_AFTER_MS + 1);
    const providers = (await (await h.env.invoke('functions/providers/handlers/offline-sweep.ts'))({}, {})) as { offline: string[] };
    expect(providers.offline).toContain(p.providerId);
    const jobs = await sweep(h.d);
    expect(jobs.providerOffline).toEqual([jobId]);
    const ended = await h.waitTerminal(jobId);
    expect(ended).toMatchObject({ status: 'ABORTED', reason: 'provider_offline' });
    const balance = await ledger().balance(account.user(spotBuyer.id));
    await bill();
    expect((await getJob(h.d.store, jobId))!.bill).toBeUndefined();
    expect(await ledger().balance(account.user(spotBuyer.id))).toBe(balance);
  });
});

describe("the exchange's own pool, and units given back by the billing step", () => {
  const cpuJob = (script: string): SubmitInput => ({ ...job(script), spec: { ...job(script).spec, numGpus: 0 } });

  it('a CPU job on the exchange pool is billed to provider:exchange at the pool terms (0.1 SCM/min, 1 ACU per SCU)', async () => {
    const balance = await ledger().balance(account.user(spotBuyer.id));
    const earnedBefore = await ledger().balance(account.provider('exchange'));
    const { jobId } = await submitJob(h.d, spotBuyer, cpuJob('sleep 2'));
    await h.pumpUntil(async () => (await getJob(h.d.store, jobId))!.status === 'RUNNING');
    // 660 s × 0.1 SCM/min = 1.1 SCM → 2 SCU (RUNTIME_CEIL) at 1 ACU.
    h.env.clock.advance(660_000);
    await h.waitTerminal(jobId);
    await bill();
    const done = (await getJob(h.d.store, jobId))!;
    expect(done).toMatchObject({ status: 'COMPLETED', providerId: 'exchange', placement: { reason: 'exchange_pool' } });
    expect(done.bill).toMatchObject({ rule: 'completed', providerId: 'exchange', scu: 2, coveredScu: 0, spotScu: 2, spotAmount: '2.000000' });
    expect(balance - (await ledger().balance(account.user(spotBuyer.id)))).toBe(2_000_000n);
    const earned = (await ledger().balance(account.provider('exchange'))) - earnedBefore;
    expect(earned).toBe(parseAcu(done.bill!.amount) - parseAcu(done.bill!.hold));
    expect(earned).toBeGreaterThan(0n);
  });

  it('an ending that could not give its units back: the billing step does, once, and the pool is asked to dispatch', async () => {
    await beat();
    const { jobId } = await submitJob(h.d, spotBuyer, job('true'));
    await h.waitTerminal(jobId);
    const bodies = await billEvents();
    // As if the ending had crashed before giving its unit back: the hold is still there.
    expect(await takeUnits(h.env.compositions.providers.store, p.providerId, { jobId, n: 1, units: 4 })).toBe(true);
    const heldNow = async () => (await getProvider(h.env.compositions.providers.store, p.providerId))!.heldUnits;
    expect(await heldNow()).toBe(1);
    await h.deliver('jobBilling', bodies);
    expect(await heldNow()).toBe(0);
    expect(await h.visible('jobSteps')).toBeGreaterThan(0);
    await h.deliver('jobBilling', bodies);
    expect(await heldNow()).toBe(0);
  });
});
