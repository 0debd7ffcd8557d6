/**
 * Market operations under injected DynamoDB faults (conflicts and throttles before a call,
 * "did it commit?" network errors after): random purchases, job applies, listings, trades
 * and expiry sweeps, each retried with its own idempotency key until the answer is
 * definite. After every step: the ledger checker passes, each user's balance equals an
 * independent model built from the definite answers (so nothing applied twice or lost),
 * every RC's cached escrow equals its ledger escrow account, each counter's sold SCU equals
 * the sum of its unexpired RCs' max, and the number of RCs, listings and job records matches.
 * Reproduce a failure with VRACU_SEED=<seed>.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, localDynamo, type TestEnv } from '../../support/runtime.ts';
import { injectFaults, type FaultInjector } from '../../support/fault-injection.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { AppError } from '../../../functions/platform/errors.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { big } from '../../../functions/platform/dynamo/client.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { DAY_MS, PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { createQuote } from '../../../functions/market/usecases/quote.ts';
import { purchase } from '../../../functions/market/usecases/purchase.ts';
import { applyJobs } from '../../../functions/market/usecases/coverage.ts';
import { createListing, executeTrade } from '../../../functions/market/usecases/secondary.ts';
import { expireDue } from '../../../functions/market/usecases/expire.ts';
import { marketItems, topUp } from './support.ts';
import { composeMarket } from '../../../functions/market/index.ts';

/** The market at its catalog spot price: the faults target its own writes (the oracle's reads have their own tests). */
const marketOf = (e: TestEnv) => composeMarket(e.compositions.market.rt);
import { scu as asScu } from '../../../functions/market/domain/units.ts';

const SEEDS = process.env.VRACU_SEED ? [Number(process.env.VRACU_SEED)] : [1, 2];
const STEPS = Number(process.env.VRACU_STEPS ?? 30);

let env: TestEnv;
let faults: FaultInjector | undefined;

beforeAll(async () => {
  env = await testEnv({ ddb: localDynamo(), seed: 99 });
  await loadCatalog(marketOf(env), PROVIDER_FIXTURES.slice(0, 4));
});
afterEach(() => {
  faults?.remove();
  faults = undefined;
});

type Definite<T> = { ok: true; value: T } | { ok: false; code: string };

/**
 * Retries until the answer is a success or a business rejection (an AppError). The cap only
 * stops a livelock: an apply of four jobs makes a dozen calls, and at these rates (a quarter
 * refused before, 15 % failing after) one attempt in tens gets all of them through; 60 was seen
 * to be needed (62 in three runs), so 60 was a coin toss.
 */
async function untilDefinite<T>(fn: () => Promise<T>, attempts = 500): Promise<Definite<T>> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code };
      last = err;
    }
  }
  throw new Error(`no definite answer after ${attempts} attempts; last error: ${(last as Error)?.stack ?? String(last)}`);
}

describe.each(SEEDS)('market under injected faults, seed %i', (seed) => {
  it('keeps conservation, escrow consistency and exactly-once after every step', async () => {
    const rt = env.rt;
    const rnd = seededPrng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const tag = `f${seed}`;
    const users = [0, 1, 2, 3].map((i) => `${tag}u${i}`);
    for (const u of users) await topUp(rt, u, '20000');
    const model = new Map(users.map((u) => [u, parseAcu('20000')] as [string, bigint]));
    const add = (u: string, v: bigint) => model.set(u, model.get(u)! + v);
    const rcs: { rcId: string; owner: string; providerId: string; free: bigint }[] = [];
    const listings: { listingId: string; seller: string; available: bigint }[] = [];
    const counts = { rcs: 0, listings: 0, jobs: 0 };
    const expiredSeen = new Set<string>();
    const baseRcs = (await marketItems(rt)).filter((i) => i.kind === 'rc').length;
    const baseListings = (await marketItems(rt)).filter((i) => i.kind === 'listing').length;
    const baseJobs = (await marketItems(rt)).filter((i) => i.kind === 'job').length;
    const f = injectFaults(env.ddb, { random: seededPrng(seed ^ 0x5eed), beforeRate: 0.25, afterRate: 0.15 });
    faults = f;
    const log: string[] = [];

    try {
      for (let step = 0; step < STEPS; step++) {
        const roll = rnd();
        const key = `${tag}-${step}`;
        f.arm();
        if (roll < 0.25 || rcs.length === 0) {
          const u = pick(users);
          const q = await untilDefinite(() =>
            createQuote(marketOf(env), u, {
              tenor: pick(['T7D', 'T30D'] as const),
              quantityScu: asScu(BigInt(5 + Math.floor(rnd() * 40))),
              providerIds: [pick(PROVIDER_FIXTURES.slice(0, 4)).id],
            }),
          );
          if (!q.ok) throw new Error(`quote rejected: ${q.code}`);
          const p = await untilDefinite(() => purchase(marketOf(env), u, q.value.quoteId, `${key}-buy`));
          log.push(`${step} purchase ${p.ok ? 'ok' : p.code}`);
          if (p.ok) {
            const r = p.value.result as { total: string; reservations: { rcId: string; providerId: string; maxScu: number }[] };
            add(u, -parseAcu(r.total));
            for (const rc of r.reservations) rcs.push({ rcId: rc.rcId, owner: u, providerId: rc.providerId, free: BigInt(rc.maxScu) });
            counts.rcs += r.reservations.length;
          }
        } else if (roll < 0.65) {
          const rc = rnd() < 0.85 ? pick(rcs) : undefined;
          const u = rc?.owner ?? pick(users);
          const providerId = rc?.providerId ?? pick(PROVIDER_FIXTURES.slice(0, 4)).id;
          // Half the time a batch of up to four jobs of this user (the completion hook's batch).
          const sizes = Array.from({ length: rnd() < 0.5 ? 1 : 2 + Math.floor(rnd() * 3) }, () => BigInt(1 + Math.floor(rnd() * 15)));
          const jobs = sizes.map((scu, n) => ({ jobId: `${key}-job${n}`, scu: asScu(scu) }));
          const j = await untilDefinite(() => applyJobs(marketOf(env), { userId: u, providerId, jobs }));
          log.push(`${step} job×${jobs.length} ${j.ok ? 'ok' : j.code}`);
          if (j.ok) {
            for (const one of j.value) {
              const r = one.result as { spotPaid: string; details: { rcId: string; scu: number }[] };
              add(u, -parseAcu(r.spotPaid));
              for (const d of r.details) rcs.find((x) => x.rcId === d.rcId)!.free -= BigInt(d.scu);
              counts.jobs++;
            }
          }
        } else if (roll < 0.78) {
          const candidates = rcs.filter((r) => r.free > 2n);
          if (candidates.length) {
            const rc = pick(candidates);
            const scu = 1n + BigInt(Math.floor(rnd() * Number(rc.free - 1n)));
            const l = await untilDefinite(() =>
              createListing(marketOf(env), rc.owner, { rcId: rc.rcId, scu: asScu(scu), askMicro: parseAcu('3.5') }, `${key}-list`),
            );
            log.push(`${step} list ${l.ok ? 'ok' : l.code}`);
            if (l.ok) {
              rc.free -= scu;
              listings.push({ listingId: l.value.listingId, seller: rc.owner, available: scu });
              counts.listings++;
            }
          }
        } else if (roll < 0.93) {
          const open = listings.filter((l) => l.available > 0n);
          if (open.length) {
            const l = pick(open);
            const buyer = pick(users.filter((u) => u !== l.seller));
            const scu = 1n + BigInt(Math.floor(rnd() * Number(l.available)));
            const t = await untilDefinite(() => executeTrade(marketOf(env), buyer, { listingId: l.listingId, scu: asScu(scu) }, `${key}-trade`));
            log.push(`${step} trade ${t.ok ? 'ok' : t.code}`);
            if (t.ok) {
              const r = t.value.result as { total: string; buyerRcId: string; parentRcId: string };
              add(buyer, -parseAcu(r.total));
              add(l.seller, parseAcu(r.total));
              l.available -= scu;
              const parent = rcs.find((x) => x.rcId === r.parentRcId)!;
              rcs.push({ rcId: r.buyerRcId, owner: buyer, providerId: parent.providerId, free: scu });
              counts.rcs++;
            }
          }
        } else {
          f.disarm();
          env.clock.advance(4 * DAY_MS);
          f.arm();
          // A sweep makes a dozen calls; each retry keeps what earlier attempts expired.
          const e = await untilDefinite(() => expireDue(marketOf(env)), 500);
          log.push(`${step} expire ${e.ok ? 'ok' : e.code}`);
        }
        f.disarm();

        // Refunds of RCs expired in this step (read once from the RC: the stored split).
        const items = await marketItems(rt);
        for (const it of items) {
          if (it.kind === 'rc' && it.status === 'EXPIRED' && !expiredSeen.has(String(it.rcId))) {
            expiredSeen.add(String(it.rcId));
            if (model.has(String(it.ownerId))) add(String(it.ownerId), big(it.refundMicro));
            const tracked = rcs.find((x) => x.rcId === it.rcId);
            if (tracked) tracked.free = 0n;
            for (const l of listings) if (items.some((x) => x.kind === 'listing' && x.listingId === l.listingId && x.status !== 'OPEN')) l.available = 0n;
          }
        }
        const where = `seed ${seed}, step ${step} (${log.at(-1) ?? ''}); reproduce with VRACU_SEED=${seed}`;
        const report = await checkRuntimeLedger(rt);
        expect(report.ok, `ledger check, ${where}`).toBe(true);
        for (const u of users) expect(await ledgerFor(rt).balance(account.user(u)), `balance of ${u}, ${where}`).toBe(model.get(u));
        const escrows = await ledgerFor(rt).balances('escrow:');
        for (const it of items.filter((i) => i.kind === 'rc')) {
          expect(escrows.get(account.escrow(String(it.rcId))) ?? 0n, `escrow of ${String(it.rcId)}, ${where}`).toBe(big(it.escrowMicro));
        }
        const sold = new Map<string, bigint>();
        // Expired RCs gave their SCU back.
        for (const it of items.filter((i) => i.kind === 'rc' && i.status !== 'EXPIRED'))
          sold.set(`${String(it.providerId)}:${String(it.tenor)}`, (sold.get(`${String(it.providerId)}:${String(it.tenor)}`) ?? 0n) + big(it.maxScu));
        for (const it of items.filter((i) => i.kind === 'capacity'))
          expect(big(it.soldScu), `counter ${String(it.providerId)}:${String(it.tenor)}, ${where}`).toBe(
            sold.get(`${String(it.providerId)}:${String(it.tenor)}`) ?? 0n,
          );
        expect(items.filter((i) => i.kind === 'rc').length - baseRcs, `RC count, ${where}`).toBe(counts.rcs);
        expect(items.filter((i) => i.kind === 'listing').length - baseListings, `listing count, ${where}`).toBe(counts.listings);
        expect(items.filter((i) => i.kind === 'job').length - baseJobs, `job count, ${where}`).toBe(counts.jobs);
      }
      expect(f.stats.afterCommit + f.stats.conflict + f.stats.throttle, 'faults were injected').toBeGreaterThan(10);
      expect(log.filter((l) => l.endsWith(' ok')).length).toBeGreaterThan(STEPS / 2);
    } catch (err) {
      process.stderr.write(`market fault-injection failed with seed ${seed} (VRACU_SEED=${seed}); steps:\n${log.join('\n')}\n`);
      throw err;
    } finally {
      f.disarm();
    }
  });
});
