/**
 * POST /jobs/apply-batch: a batch of one user's jobs is covered exactly as the same jobs
 * applied one by one (RC draws, detail records, spot, arrears), each job id is applied
 * once across single and batch requests, and bad batches change nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account } from '../../../functions/ledger/index.ts';
import { checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { formatAcu, parseAcu } from '../../../functions/platform/money.ts';
import { PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { MAX_JOBS_PER_APPLY } from '../../../functions/market/domain/coverage.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import * as api from '../../../functions/market/api.ts';
import { OPERATOR, balanceOf, call, marketItems, principal, setCapacity, topUp, userBalance } from './support.ts';

let env: TestEnv;
const PROVIDER = 'lambda';
const SIZES = [4, 4, 5, 3, 6, 2];

beforeAll(async () => {
  env = await testEnv({ seed: 23 });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  // Capacity far above what is sold keeps utilisation, and so the price, the same for every buyer.
  for (const tenor of ['T7D', 'T30D']) await setCapacity(env.rt, PROVIDER, tenor, 1_000_000n);
});

/** A user holding a 10-SCU T7D RC and a 10-SCU T30D RC, with `spare` ACU left after buying them. */
async function holder(id: string, spare: string): Promise<string[]> {
  const u = principal(id);
  const quotes = [];
  for (const tenor of ['T7D', 'T30D']) quotes.push(await call(api.quoteRoute, u, { body: { tenor, quantityScu: 10, providerIds: [PROVIDER] } }));
  const cost = quotes.reduce((s, q) => s + parseAcu(String(q.body.total)), 0n);
  await topUp(env.rt, id, formatAcu(cost + parseAcu(spare)));
  const rcIds: string[] = [];
  for (const q of quotes) {
    const p = await call(api.purchaseRoute, u, { body: { quoteId: q.body.quoteId } });
    expect(p.status).toBe(201);
    rcIds.push(String((p.body.reservations as { rcId: string }[])[0]!.rcId));
  }
  expect(await userBalance(env.rt, id)).toBe(parseAcu(spare));
  return rcIds;
}

/** A job result with the user's own ids (and the transfer's) replaced, for comparing two users' coverage. */
function shape(r: Record<string, unknown>, rcIds: string[]) {
  const { jobId: _j, userId: _u, appliedAt: _a, replayed: _r, transferId: _t, holdReleaseAt: _h, details, ...rest } = r;
  return { ...rest, details: (details as { rcId: string }[]).map((d) => ({ ...d, rcId: `rc${rcIds.indexOf(d.rcId)}` })) };
}

describe('a batch is covered as its jobs applied one by one', () => {
  it('same draws, detail records, spot and arrears; RCs, escrow and balances end equal', async () => {
    const rt = env.rt;
    // 24 SCU of jobs on 20 SCU of RCs: job 3 spans both RCs, job 5 runs out, job 6 is all spot,
    // and 1 ACU of balance cannot pay the spot bill (arrears).
    const one = await holder('seq-user', '1');
    const two = await holder('batch-user', '1');

    const singles = [];
    for (const [i, scu] of SIZES.entries()) {
      const r = await call(api.jobApplyRoute, OPERATOR, { body: { jobId: `seq-${i}`, userId: 'seq-user', providerId: PROVIDER, scu } });
      expect(r.status).toBe(200);
      singles.push(r.body);
    }
    const batch = await call(api.jobsApplyBatchRoute, OPERATOR, {
      body: { userId: 'batch-user', providerId: PROVIDER, jobs: SIZES.map((scu, i) => ({ jobId: `bat-${i}`, scu })) },
    });
    expect(batch.status).toBe(200);
    const results = batch.body.jobs as Record<string, unknown>[];
    expect(results.map((r) => r.jobId)).toEqual(SIZES.map((_, i) => `bat-${i}`));
    expect(results.every((r) => r.replayed === false)).toBe(true);
    expect(results.map((r) => shape(r, two))).toEqual(singles.map((r) => shape(r, one)));
    // The case the test is built for really happened.
    expect(results[2]!.details).toHaveLength(2);
    expect(results.map((r) => r.spotScu)).toEqual([0, 0, 0, 0, 2, 2]);
    expect(parseAcu(String(results[4]!.arrears)) + parseAcu(String(results[5]!.arrears))).toBeGreaterThan(0n);

    for (const [user, rcIds] of [
      ['seq-user', one],
      ['batch-user', two],
    ] as const) {
      for (const rcId of rcIds) {
        const pos = await call(api.positionRoute, principal(user), { params: { rcId } });
        expect(pos.body.reservation).toMatchObject({ usedScu: 10, status: 'FULLY_USED', escrow: '0.000000' });
        expect(await balanceOf(rt, account.escrow(rcId))).toBe(0n);
      }
    }
    const positions = async (user: string, rcId: string) =>
      ((await call(api.positionRoute, principal(user), { params: { rcId } })).body.allocations as { jobId: string; scu: number }[])
        .map((a) => `${a.jobId.slice(4)}:${a.scu}`)
        .sort();
    expect(await positions('batch-user', two[1]!)).toEqual(await positions('seq-user', one[1]!));
    expect(await userBalance(rt, 'batch-user')).toBe(0n);
    expect(await balanceOf(rt, account.arrears('batch-user'))).toBe(await balanceOf(rt, account.arrears('seq-user')));
    const alloc = await call(api.jobAllocationsRoute, principal('batch-user'), { params: { jobId: 'bat-2' } });
    expect(shape(alloc.body, two)).toEqual(shape(singles[2]!, one));
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
});

describe('each job id is applied once', () => {
  it('a repeated batch replays; a batch holding applied jobs replays those and applies the rest', async () => {
    const rt = env.rt;
    await holder('rep-user', '100');
    const jobs = [
      { jobId: 'rep-0', scu: 3 },
      { jobId: 'rep-1', scu: 2 },
    ];
    const first = await call(api.jobsApplyBatchRoute, OPERATOR, { body: { userId: 'rep-user', providerId: PROVIDER, jobs } });
    expect(first.status).toBe(200);
    const before = await userBalance(rt, 'rep-user');
    const items = (await marketItems(rt)).length;

    const again = await call(api.jobsApplyBatchRoute, OPERATOR, { body: { userId: 'rep-user', providerId: PROVIDER, jobs } });
    expect(again.status).toBe(200);
    expect((again.body.jobs as { replayed: boolean }[]).every((j) => j.replayed)).toBe(true);
    expect((again.body.jobs as object[]).map((j) => ({ ...j, replayed: false }))).toEqual(first.body.jobs);
    // A single apply of a job first applied in a batch replays the same result.
    const single = await call(api.jobApplyRoute, OPERATOR, { body: { userId: 'rep-user', providerId: PROVIDER, ...jobs[1]! } });
    expect(single.body).toEqual({ ...(first.body.jobs as object[])[1]!, replayed: true });
    expect((await marketItems(rt)).length).toBe(items);
    expect(await userBalance(rt, 'rep-user')).toBe(before);

    // One applied job (by the batch) and one applied alone, plus a new one.
    await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'rep-2', userId: 'rep-user', providerId: PROVIDER, scu: 1 } });
    const mixed = await call(api.jobsApplyBatchRoute, OPERATOR, {
      body: { userId: 'rep-user', providerId: PROVIDER, jobs: [jobs[0]!, { jobId: 'rep-2', scu: 1 }, { jobId: 'rep-3', scu: 4 }] },
    });
    expect(mixed.status).toBe(200);
    expect((mixed.body.jobs as { jobId: string; replayed: boolean; coveredScu: number }[]).map((j) => [j.jobId, j.replayed, j.coveredScu])).toEqual([
      ['rep-0', true, 3],
      ['rep-2', true, 1],
      ['rep-3', false, 4],
    ]);
    const rcs = (await marketItems(rt)).filter((i) => i.kind === 'rc' && i.ownerId === 'rep-user');
    expect(rcs.reduce((s, r) => s + (r.usedScu as bigint), 0n)).toBe(10n);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });

  it('a batch with an applied job of another payload is a 409 and applies nothing', async () => {
    const rt = env.rt;
    await holder('clash-user', '100');
    await call(api.jobApplyRoute, OPERATOR, { body: { jobId: 'clash-0', userId: 'clash-user', providerId: PROVIDER, scu: 2 } });
    const items = (await marketItems(rt)).length;
    const r = await call(api.jobsApplyBatchRoute, OPERATOR, {
      body: {
        userId: 'clash-user',
        providerId: PROVIDER,
        jobs: [
          { jobId: 'clash-1', scu: 1 },
          { jobId: 'clash-0', scu: 3 },
        ],
      },
    });
    expect(r).toMatchObject({ status: 409, body: { code: 'exists_with_different_payload' } });
    expect(String(r.body.detail)).toContain('clash-0');
    expect((await marketItems(rt)).length).toBe(items);
    expect((await call(api.jobAllocationsRoute, OPERATOR, { params: { jobId: 'clash-1' } })).status).toBe(404);
  });

  it('concurrent overlapping batches apply every job exactly once', async () => {
    const rt = env.rt;
    const rcIds = await holder('race-user', '100');
    const pool = Array.from({ length: 8 }, (_, i) => ({ jobId: `race-${i}`, scu: 1 + (i % 3) }));
    // Eight requests, each holding a window of four jobs: every job is in up to four of them.
    const windows = Array.from({ length: 8 }, (_, k) => [0, 1, 2, 3].map((d) => pool[(k + d) % pool.length]!));
    const res = await Promise.all(
      windows.map((jobs) => call(api.jobsApplyBatchRoute, OPERATOR, { body: { userId: 'race-user', providerId: PROVIDER, jobs } })),
    );
    expect(res.map((r) => r.status)).toEqual(windows.map(() => 200));
    const answers = res.flatMap((r) => r.body.jobs as { jobId: string; replayed: boolean; totalScu: number; coveredScu: number }[]);
    for (const job of pool) {
      const mine = answers.filter((a) => a.jobId === job.jobId);
      expect(mine.filter((a) => !a.replayed)).toHaveLength(1);
      expect(new Set(mine.map((a) => JSON.stringify({ ...a, replayed: 0 }))).size).toBe(1);
    }
    const total = pool.reduce((s, j) => s + j.scu, 0);
    const rcs = (await marketItems(rt)).filter((i) => i.kind === 'rc' && rcIds.includes(String(i.rcId)));
    expect(rcs.reduce((s, r) => s + Number(r.usedScu), 0)).toBe(total);
    expect((await checkRuntimeLedger(rt)).ok).toBe(true);
  });
});

describe('bad batches', () => {
  const many = Array.from({ length: MAX_JOBS_PER_APPLY + 1 }, (_, i) => ({ jobId: `many-${i}`, scu: 1 }));
  it.each([
    ['too many jobs', OPERATOR, { userId: 'bad-user', providerId: PROVIDER, jobs: many }, 400, 'validation_failed', 'body.jobs'],
    ['no jobs', OPERATOR, { userId: 'bad-user', providerId: PROVIDER, jobs: [] }, 400, 'validation_failed', 'body.jobs'],
    [
      'a job twice',
      OPERATOR,
      {
        userId: 'bad-user',
        providerId: PROVIDER,
        jobs: [
          { jobId: 'x-1', scu: 1 },
          { jobId: 'x-1', scu: 1 },
        ],
      },
      400,
      'validation_failed',
      'body.jobs',
    ],
    [
      'scu and runtime',
      OPERATOR,
      { userId: 'bad-user', providerId: PROVIDER, jobs: [{ jobId: 'x-2', scu: 1, runtimeSeconds: 5 }] },
      400,
      'validation_failed',
      'body.jobs.0.scu',
    ],
    ['zero SCU', OPERATOR, { userId: 'bad-user', providerId: PROVIDER, jobs: [{ jobId: 'x-3', scu: 0 }] }, 400, 'validation_failed', 'body.jobs.0.scu'],
    ['fractional SCU', OPERATOR, { userId: 'bad-user', providerId: PROVIDER, jobs: [{ jobId: 'x-4', scu: 1.5 }] }, 400, 'validation_failed', 'body.jobs.0.scu'],
    ['unknown provider', OPERATOR, { userId: 'bad-user', providerId: 'nobody', jobs: [{ jobId: 'x-5', scu: 1 }] }, 404, 'unknown_provider', 'body.providerId'],
    ['a buyer calling', principal('bad-user'), { userId: 'bad-user', providerId: PROVIDER, jobs: [{ jobId: 'x-6', scu: 1 }] }, 403, 'forbidden', undefined],
  ] as const)('%s: 4xx problem+json, nothing written', async (_name, who, body, status, code, path) => {
    const before = (await marketItems(env.rt)).length;
    const r = await call(api.jobsApplyBatchRoute, who, { body });
    expect(r.status).toBe(status);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.code).toBe(code);
    if (path) expect((r.body.issues as { path: string }[]).map((i) => i.path)).toContain(path);
    expect((await marketItems(env.rt)).length).toBe(before);
  });
});
