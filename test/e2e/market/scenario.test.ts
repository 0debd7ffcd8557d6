/**
 * The §1.10 scenario with consistent numbers (docs/market.md "Worked example"), over HTTP
 * through the local stack, driven by the `vracu` CLI; expiry runs from the rc-expiry schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { accountRoute, checkRoute, mintRoute } from '../../../functions/ledger/api.ts';
import { ManualClock } from '../../../functions/platform/clock.ts';
import { DAY_MS } from '../../../functions/market/domain/catalog.ts';
import { listingsRoute, positionRoute, quoteRoute } from '../../../functions/market/api.ts';
import { ApiError } from '../../../sdk/client.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
let stack: Awaited<ReturnType<typeof startTestStack>>;
let alice: { principalId: string; secret: string };
let bob: { principalId: string; secret: string };
let operator: { principalId: string; secret: string };

beforeAll(async () => {
  stack = await startTestStack({ clock });
  [alice, bob, operator] = await Promise.all([
    stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } }),
    stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } }),
    stack.admin.call(createKeyRoute, { body: { roles: ['operator'] } }),
  ]);
  await stack.admin.call(mintRoute, { body: { user: alice.principalId, amount: '5000' }, idempotencyKey: 'e2e-mint-alice' });
  await stack.admin.call(mintRoute, { body: { user: bob.principalId, amount: '1000' }, idempotencyKey: 'e2e-mint-bob' });
});
afterAll(async () => stack?.stop());

const vracu = (args: string[], key: string): Promise<string> => runVracu(stack.url, key, args);
const json = async (args: string[], key: string) => JSON.parse(await vracu(['--json', ...args], key)) as Record<string, any>;
const balance = async (acct: string) => (await stack.admin.call(accountRoute, { params: { accountId: acct } })).balance;

describe('§1.10 over HTTP with the CLI', () => {
  it('quote → buy → job → list → trade → job → expiry, every balance exact', async () => {
    expect(await vracu(['providers-load'], stack.adminKey)).toBe('loaded 13 providers\n');
    expect(await vracu(['curve', 'alpha'], alice.secret)).toMatch(/T90D\s+11\.165305\s+2\.791326\s+8\.373979/);

    const q = await json(['quote', '--tenor', 'T90D', '--scu', '250', '--provider', 'alpha'], alice.secret);
    expect(q).toMatchObject({ filledScu: 250, partial: false, total: '2791.326250' });
    const buy = await json(['buy', q.quoteId, '--idempotency-key', 'e2e-buy-0001'], alice.secret);
    expect(buy).toMatchObject({ total: '2791.326250', commitTotal: '697.831500', escrowTotal: '2093.494750', replayed: false });
    const again = await json(['buy', q.quoteId, '--idempotency-key', 'e2e-buy-0001'], alice.secret);
    expect(again).toMatchObject({ replayed: true, reservations: buy.reservations });
    const rcId = buy.reservations[0].rcId as string;
    expect(await balance(`user:${alice.principalId}`)).toBe('2208.673750');
    expect(await balance('provider:alpha')).toBe('697.831500');
    expect(await balance(`escrow:${rcId}`)).toBe('2093.494750');

    const j1 = await json(['jobs-apply', 'e2e-job-1', '--user', alice.principalId, '--provider', 'alpha', '--scu', '180'], operator.secret);
    expect(j1).toMatchObject({ coveredScu: 180, spotScu: 0, payout: '1507.316220' });
    expect(await balance(`escrow:${rcId}`)).toBe('586.178530');

    const listing = await json(['list', rcId, '--scu', '60', '--ask', '15'], alice.secret);
    expect(listing).toMatchObject({ scuAvailable: 60, askPrice: '15.000000' });
    expect(await vracu(['listings'], bob.secret)).toContain(listing.listingId);

    const trade = await json(['trade', listing.listingId, '--scu', '40'], bob.secret);
    expect(trade).toMatchObject({ total: '600.000000', escrowMoved: '334.959160', listingScuAvailable: 20 });
    expect(await balance(`user:${bob.principalId}`)).toBe('400.000000');
    expect(await balance(`user:${alice.principalId}`)).toBe('2808.673750');

    await json(['jobs-apply', 'e2e-job-2', '--user', alice.principalId, '--provider', 'alpha', '--scu', '10'], operator.secret);
    const pos = await stack.client(alice.secret).call(positionRoute, { params: { rcId } });
    expect(pos.reservation).toMatchObject({ maxScu: 210, usedScu: 190, listedScu: 20, escrow: '167.479580' });
    expect(await vracu(['portfolio'], bob.secret)).toContain(trade.buyerRcId);

    clock.advance(90 * DAY_MS);
    await stack.scheduler.runNow('rcExpiry');
    expect(await balance(`user:${alice.principalId}`)).toBe('2925.909456'); // + 117.235706 refund (γ = 0.7)
    expect(await balance('provider:alpha')).toBe('2674.090544'); // commit + 190 × usage + breakage of both RCs
    expect(await balance(`escrow:${rcId}`)).toBe('0.000000');
    expect(await balance(`escrow:${trade.buyerRcId}`)).toBe('0.000000');
    expect((await stack.client(bob.secret).call(listingsRoute, {})).listings).toEqual([]);
    expect(await vracu(['expire'], stack.adminKey)).toBe('expired 0 of 0 due: refunded 0.000000, breakage 0.000000\n');
    expect((await stack.admin.call(checkRoute, {})).ok).toBe(true);
  });

  it('market, position, unlist, job-allocations and jobs-apply-batch commands', async () => {
    expect(await vracu(['market', '--tenor', 'T7D', '--gpu', 'A100'], alice.secret)).toMatch(/zeta\s+A100\s+us-east\s+T7D/);
    const q = await json(['quote', '--tenor', 'T7D', '--scu', '10', '--provider', 'zeta'], alice.secret);
    const rcId = (await json(['buy', q.quoteId], alice.secret)).reservations[0].rcId as string;
    const listing = await json(['list', rcId, '--scu', '4', '--ask', '2.25'], alice.secret);
    expect(await vracu(['unlist', listing.listingId], alice.secret)).toBe(`listing ${listing.listingId} CANCELLED\n`);
    // A repeated DELETE (a retry after a lost response) answers the same and returns nothing twice.
    expect(await vracu(['unlist', listing.listingId], alice.secret)).toBe(`listing ${listing.listingId} CANCELLED\n`);
    await json(['jobs-apply', 'e2e-job-3', '--user', alice.principalId, '--provider', 'zeta', '--runtime-seconds', '300'], operator.secret);
    // zeta runs 0.7 SCM/min: 300 s → 3.5 → 4 SCU (RUNTIME_CEIL)
    expect(await json(['job-allocations', 'e2e-job-3'], alice.secret)).toMatchObject({ totalScu: 4, coveredScu: 4, details: [{ rcId, scu: 4 }] });
    // A batch from the completion hook: one job by runtime, one by SCU, covered in order.
    const batch = await vracu(
      ['jobs-apply-batch', '--user', alice.principalId, '--provider', 'zeta', '--job', 'e2e-job-4=120s', '--job', 'e2e-job-5=2'],
      operator.secret,
    );
    // zeta runs 0.7 SCM/min: 120 s → 1.4 → 2 SCU.
    const [line4, line5, rest] = batch.split('\n');
    expect(line4).toMatch(/^job e2e-job-4: 2 SCU from RCs, 0 at spot \(0\.000000 ACU, arrears 0\.000000\); provider paid \d+\.\d{6}$/);
    expect(line5).toMatch(/^job e2e-job-5: 2 SCU from RCs, 0 at spot/);
    expect(rest).toBe('');
    await expect(vracu(['jobs-apply-batch', '--user', alice.principalId, '--provider', 'zeta', '--job', 'e2e-job-6=1.5'], operator.secret)).rejects.toThrow(
      /--job expects <jobId>=<scu> or <jobId>=<seconds>s/,
    );
    const pos = await json(['position', rcId], alice.secret);
    expect(pos.reservation).toMatchObject({ usedScu: 8, listedScu: 0 });
    expect(pos.listings).toMatchObject([{ listingId: listing.listingId, status: 'CANCELLED' }]);
  });

  it('bad input over HTTP is a problem+json 4xx', async () => {
    const err = await stack
      .client(alice.secret)
      .call(quoteRoute, { body: { tenor: 'T7D', quantityScu: 0 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).code).toBe('validation_failed');
    await expect(vracu(['trade', 'lst_01JD0000000000000000000000', '--scu', '1'], bob.secret)).rejects.toThrow(/not_found|no listing/);
  });
});
