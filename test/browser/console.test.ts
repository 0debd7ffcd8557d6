/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a
 * local stack in memory: the same origin serves the console and the API. Each role signs
 * in by pasting its key; a buyer buys an RC and sees the portfolio change, runs a job to
 * COMPLETED and sees its proofs verified in the browser, then sees a tampered attestation
 * fail; a bad input shows the API's field error. With VRACU_SCREENSHOTS=<dir> each view is
 * also saved as a PNG (docs/console.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKey } from '../../functions/jobs/store/items.ts';
import { portfolioRoute } from '../../functions/market/api.ts';
import { createKeyRoute } from '../../functions/platform/api.ts';
import { accountRoute, mintRoute } from '../../functions/ledger/api.ts';
import { submitJobRoute } from '../../functions/jobs/api.ts';
import { completeArtifactRoute, createArtifactRoute } from '../../functions/artifacts/api.ts';
import { merkleRoot } from '../../functions/platform/crypto/merkle.ts';
import { newFileKey, recordsOf, sealBytes } from '../../functions/platform/crypto/sealed-file.ts';
import Stripe from 'stripe';
import { account, ledgerFor } from '../../functions/ledger/index.ts';
import { heartbeatRoute, joinRoute, joinTokenCreateRoute, verifyRoute } from '../../functions/providers/api.ts';
import { generateNodeKey, signCanonical, verificationMessage } from '../../sdk/provider/node-key.ts';
import { launchChromium } from './support/chromium.ts';
import { CONSOLE_WEBHOOK_SECRET, startConsoleStack, type ConsoleStack, type Role } from './support/console-stack.ts';

let env: ConsoleStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Page errors and CSP refusals seen in any page: a console that works must raise none. */
const pageProblems: string[] = [];
const SHOTS = process.env.VRACU_SCREENSHOTS;

async function open(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      pageProblems.push(`console: ${m.text()}`);
  });
  return page;
}

async function signIn(page: Page, secret: string): Promise<void> {
  await page.goto(env.url);
  await page.fill('input[name=apiKey]', secret);
  await page.click('form button[type=submit]');
  await page.waitForSelector('[data-principal]');
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Polls an attribute from the test side: the console's CSP forbids the eval a string predicate needs. */
async function waitAttr(page: Page, selector: string, name: string, ok: (v: number) => boolean, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = Number(await page.getAttribute(selector, name));
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${selector} [${name}] stayed at ${v}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const navIds = (page: Page) => page.$$eval('[data-nav]', (els) => els.map((e) => e.getAttribute('data-nav')));

beforeAll(async () => {
  browser = await launchChromium();
  env = await startConsoleStack({ agents: 2 });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await env?.stop();
});

describe('serving', () => {
  it('serves the page and its assets on the API origin with the security headers; API paths are unchanged', async () => {
    const page = await fetch(`${env.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${env.url}${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${env.url}/assets/nope.js`)).status).toBe(404);
    const health = await fetch(`${env.url}/health`);
    expect(health.headers.get('content-type')).toMatch(/json/);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${env.url}/v1/nope`)).headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('sign-in and roles', () => {
  it("a wrong key shows the API's answer, not a blank page", async () => {
    const page = await open();
    await page.goto(env.url);
    await page.fill('input[name=apiKey]', 'vracu_not-a-real-key');
    await page.click('form button[type=submit]');
    const err = await page.waitForSelector('.error');
    expect(await err.innerText()).toMatch(/unauthenticated|forbidden/i);
    expect(await page.$('[data-principal]')).toBeNull();
  });

  const expected: Record<Role, { has: string[]; lacks: string[] }> = {
    buyer: {
      has: ['market', 'quote', 'portfolio', 'listings', 'jobs', 'inputs', 'payments', 'balance'],
      lacks: ['pool', 'providers', 'fleet', 'reconcile', 'ledger-check', 'keys', 'billing', 'disputes'],
    },
    provider: {
      has: ['market', 'pool', 'attestations', 'capacity', 'balance'],
      lacks: ['quote', 'jobs', 'inputs', 'payments', 'fleet', 'reconcile', 'ledger-check', 'keys', 'billing'],
    },
    operator: {
      has: ['market', 'providers', 'fleet', 'accounts', 'billing', 'disputes', 'reconcile'],
      lacks: ['quote', 'pool', 'inputs', 'payments', 'ledger-check', 'keys'],
    },
    admin: {
      has: ['market', 'quote', 'jobs', 'inputs', 'payments', 'pool', 'providers', 'fleet', 'billing', 'disputes', 'reconcile', 'ledger-check', 'keys'],
      lacks: [],
    },
  };

  it.each(Object.keys(expected) as Role[])(
    '%s: signs in by pasting the key; the role decides the views; the key is kept in session storage only',
    async (role) => {
      const page = await open();
      await signIn(page, env.keys[role].secret);
      expect(await page.getAttribute('[data-principal]', 'data-principal')).toBe(env.keys[role].principalId);
      const ids = await navIds(page);
      for (const v of expected[role].has) expect(ids, v).toContain(v);
      for (const v of expected[role].lacks) expect(ids, v).not.toContain(v);
      // Evaluated in the page (a string: the test's types have no DOM).
      const storage = (await page.evaluate("({ session: sessionStorage.getItem('vracu.apiKey'), local: localStorage.length, url: location.href })")) as {
        session: string;
        local: number;
        url: string;
      };
      expect(storage.session).toBe(env.keys[role].secret);
      expect(storage.local).toBe(0);
      expect(storage.url).not.toContain(env.keys[role].secret);
      // The market view loads with data for every role.
      await page.waitForSelector('[data-view=market][data-ready] [data-provider]');
      await shot(page, `market-${role}`);
    },
  );
});

describe('buyer', () => {
  let page: Page;
  beforeAll(async () => {
    page = await open();
    await signIn(page, env.keys.buyer.secret);
  });

  it('the market shows the supply curve and prices per tenor as charts and the providers with capacity', async () => {
    await page.waitForSelector('[data-view=market][data-ready]');
    expect(await page.$$('[data-chart] canvas')).toHaveLength(2);
    expect((await page.$$('[data-table=providers] [data-provider]')).length).toBe(13);
    await page.click('button[role=tab]:has-text("T90D")');
    await page.waitForSelector('[data-chart="supply curve T90D"] canvas');
    await shot(page, 'market');
  });

  it("a bad quantity shows the API's field error under the field", async () => {
    await page.goto(`${env.url}/#/quote`);
    await page.fill('input[name=quantityScu]', '0');
    await page.click('[data-view=quote] form button[type=submit]');
    const err = await page.waitForSelector('[data-field="body.quantityScu"] .field-error');
    expect(await err.innerText()).toBe('must be at least 1');
    expect(await page.textContent('.error .error-title')).toBe('validation failed');
    await shot(page, 'quote-field-error');
  });

  it('quote → buy with the expiry counting down; the portfolio shows the new RCs', async () => {
    await page.goto(`${env.url}/#/portfolio`);
    await page.waitForSelector('[data-view=portfolio][data-ready]');
    const before = Number(await page.getAttribute('[data-rc-count]', 'data-rc-count'));
    await page.goto(`${env.url}/#/quote`);
    await page.fill('input[name=quantityScu]', '50');
    await page.click('[data-view=quote] form button[type=submit]');
    const countdown = await page.waitForSelector('.countdown');
    const s1 = Number(await countdown.getAttribute('data-seconds'));
    expect(s1).toBeGreaterThan(40);
    // 60 s on the server's clock, which the page knows from Date headers to within a second.
    expect(s1).toBeLessThanOrEqual(61);
    await waitAttr(page, '.countdown', 'data-seconds', (v) => v < s1, 5000);
    await shot(page, 'quote');
    await page.click('button.primary:has-text("Buy")');
    const bought = Number(await (await page.waitForSelector('[data-bought]')).getAttribute('data-bought'));
    expect(bought).toBeGreaterThan(0);
    await page.click('a:has-text("portfolio")');
    await page.waitForSelector('[data-view=portfolio][data-ready]');
    await waitAttr(page, '[data-rc-count]', 'data-rc-count', (v) => v === before + bought);
    await shot(page, 'portfolio');
  });

  it('lists SCU of an RC; another buyer buys them on the listings view', async () => {
    const rc = await page.getAttribute('[data-table=rcs] [data-rc]', 'data-rc');
    await page.click(`[data-rc="${rc}"]`);
    await page.fill('input[name=listScu]', '5');
    await page.fill('input[name=askPrice]', '2.5');
    await page.click('[data-position] form button[type=submit]');
    await page.waitForSelector('[data-position] [data-listing]');
    const other = await open();
    await signIn(other, env.buyer2.secret);
    await other.goto(`${env.url}/#/listings`);
    const row = await other.waitForSelector('[data-table=listings] [data-listing]');
    await shot(other, 'listings');
    await row.$eval('input[name=tradeScu]', (el) => el.focus());
    await other.keyboard.type('3');
    await other.click('[data-table=listings] [data-listing] button:has-text("Buy")');
    const trade = await other.waitForSelector('[data-trade]');
    expect(await trade.innerText()).toContain('Bought 3 SCU');
  });

  it('the balance and its ledger entries', async () => {
    await page.goto(`${env.url}/#/balance`);
    await page.waitForSelector('[data-balance]');
    expect((await page.$$('[data-table=entries] tbody tr')).length).toBeGreaterThanOrEqual(2);
    await shot(page, 'balance');
  });
});

describe('jobs and proofs', () => {
  let page: Page;
  let jobId: string;
  beforeAll(async () => {
    page = await open();
    await signIn(page, env.keys.buyer.secret);
  });

  it("a bad spec field shows the adapter's field error under that field", async () => {
    await page.goto(`${env.url}/#/jobs`);
    await page.fill('input[name="spec.frames"]', '0');
    await page.click('button:has-text("Preflight")');
    const err = await page.waitForSelector('[data-field="body.spec.frames"] .field-error');
    expect(await err.innerText()).toMatch(/>=\s*1|at least 1|too small/i);
    await shot(page, 'jobs-field-error');
  });

  it('submits a job with the adapter form and watches it reach COMPLETED with its log and proofs verified in the browser', async () => {
    await page.goto(`${env.url}/#/jobs`);
    await page.fill('input[name="spec.frames"]', '1');
    await page.fill('input[name="spec.command"]', '["sh","-c","echo hello-from-console"]');
    await page.click('[data-view=jobs] form button[type=submit]');
    await page.waitForSelector('[data-view=job][data-job]', { timeout: 5000 }).catch(async (e) => {
      throw new Error(`no job view: ${await page.locator('.error').allInnerTexts()}`, { cause: e });
    });
    jobId = (await page.getAttribute('[data-view=job]', 'data-job'))!;
    await page.waitForSelector('[data-view=job][data-status=COMPLETED]', { timeout: 30_000 });
    await page.waitForSelector('pre.log div:has-text("hello-from-console")', { timeout: 15_000 });
    const proofs = await page.waitForSelector('[data-proofs=verified][data-complete=true]', { timeout: 15_000 });
    const checks = await proofs.$$eval('[data-check]', (els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok')]));
    expect(checks.length).toBeGreaterThanOrEqual(14);
    expect(checks.filter(([, ok]) => ok !== 'true')).toEqual([]);
    expect(checks.map(([id]) => id)).toEqual(expect.arrayContaining(['job_hash', 'creation_signature', 'deletion_signature', 'destroyed_after_created']));
    // Billed by the exchange when the job ended (providers: the billing queue), no operator step.
    await page.waitForFunction(
      () =>
        /covered by RCs/.test(
          (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-bill]')
            ?.textContent ?? '',
        ),
      null,
      { timeout: 15_000 },
    );
    // The plain tier, no key released, no artifacts.
    await page.waitForSelector('[data-privacy=ephemeral-container]');
    expect(await page.$('[data-table=releases]')).toBeNull();
    await page.waitForSelector('[data-view=job] section:has-text("No inputs or outputs")');
    // Read while running and again after the end (the tail polls every 1.5 s): each line once.
    await page.waitForTimeout(2000);
    // The workload's line once; locally the sidecar shares its output and ends it with its report.
    const lines = await page.locator('pre.log div').allInnerTexts();
    expect(lines.filter((l) => !l.startsWith('{"type":"sidecar:'))).toEqual(['hello-from-console']);
    expect(lines.length).toBeLessThanOrEqual(2);
    await shot(page, 'job');
  });

  it('cancel: a running job is stopped and ends ABORTED', async () => {
    await page.goto(`${env.url}/#/jobs`);
    await page.fill('input[name="spec.command"]', '["sh","-c","sleep 30"]');
    await page.click('[data-view=jobs] form button[type=submit]');
    await page.waitForSelector('[data-view=job][data-status=RUNNING]', { timeout: 30_000 });
    await page.click('button.danger:has-text("Cancel")');
    await page.waitForSelector('[data-view=job][data-status=ABORTED]', { timeout: 30_000 });
    await page.waitForSelector('[data-proofs=verified][data-complete=true]', { timeout: 15_000 });
  });

  it('provider: the pool and the attestation statistics, verified in the browser', async () => {
    const p = await open();
    await signIn(p, env.keys.provider.secret);
    await p.goto(`${env.url}/#/pool`);
    expect(await (await p.waitForSelector('[data-queue]')).getAttribute('data-queue')).toBe('0/2');
    await shot(p, 'pool');
    // A provider key no node joined with: the node section says how one joins.
    await p.waitForSelector('[data-node=none]');
    await p.goto(`${env.url}/#/attestations`);
    const facts = await p.waitForSelector('[data-verified]');
    expect(await facts.getAttribute('data-verified')).toBe('2/2');
    await shot(p, 'attestations');
    await p.goto(`${env.url}/#/capacity`);
    await p.waitForSelector('[data-table=capacity] [data-tenor=T30D]');
    // The provider key may not read a provider account: the API's refusal is shown.
    await p.waitForSelector('[data-view=account] .error');
    await shot(p, 'capacity');
  });

  it('operator applies a usage record by hand (a job billed outside the exchange); the job itself was billed at its end', async () => {
    const op = await open();
    await signIn(op, env.keys.operator.secret);
    await op.goto(`${env.url}/#/billing`);
    const provider = (await env.stack.admin.call(portfolioRoute, { params: { userId: env.keys.buyer.principalId } })).reservations[0]!.providerId;
    const manualId = 'console-manual-1';
    await op.fill('input[name=billJob]', manualId);
    await op.fill('input[name=billUser]', env.keys.buyer.principalId);
    await op.fill('input[name=billProvider]', provider);
    await op.fill('input[name=billScu]', '2');
    await op.click('[data-view=billing] form button[type=submit]');
    await op.waitForSelector(`[data-applied="${manualId}"]`);
    await shot(op, 'billing');
    await page.goto(`${env.url}/#/job/${jobId}`);
    await page.waitForFunction(
      () =>
        /covered by RCs/.test(
          (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-bill]')
            ?.textContent ?? '',
        ),
      null,
      { timeout: 15_000 },
    );
  });

  it('a tampered attestation is shown as failed, check by check', async () => {
    const { doc } = env.stack.runtime;
    const TableName = env.stack.runtime.table('jobs');
    const item = (await doc.send(new GetCommand({ TableName, Key: jobKey(jobId) }))).Item!;
    const deletion = JSON.parse(String(item.deletionJson));
    deletion.deletionMethod = `${deletion.deletionMethod} (edited)`;
    await doc.send(
      new UpdateCommand({
        TableName,
        Key: jobKey(jobId),
        UpdateExpression: 'SET deletionJson = :d',
        ExpressionAttributeValues: { ':d': JSON.stringify(deletion) },
      }),
    );
    // A full reload: a hash change alone may keep the view (and its verified proofs) mounted.
    await page.goto(`${env.url}/#/job/${jobId}`);
    await page.reload();
    const proofs = await page.waitForSelector('[data-proofs=failed]', { timeout: 15_000 });
    const ok = Object.fromEntries(await proofs.$$eval('[data-check]', (els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok')])));
    expect(ok.deletion_signature).toBe('false');
    expect(ok.creation_signature).toBe('true');
    expect(ok.job_hash).toBe('true');
    await shot(page, 'job-tampered');
  });
});

describe('settlement: receipt and hold', () => {
  it('a spot job shows its signed receipt and held part; its buyer disputes the hold, an operator refunds it', async () => {
    // A buyer with no RCs: a CPU job runs on the exchange pool at spot (1 ACU per SCU), 10 % of it held.
    const k = await env.stack.admin.call(createKeyRoute, { body: { roles: ['buyer'], tenant: 'buyer-s', label: 'console test settlement' } });
    await env.stack.admin.call(mintRoute, { body: { user: k.principalId, amount: '100' }, idempotencyKey: `fund-${k.principalId}` });
    const buyer = env.stack.client(k.secret);
    const { jobId } = await buyer.call(submitJobRoute, {
      body: { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] } },
    });
    const page = await open();
    await signIn(page, k.secret);
    await page.goto(`${env.url}/#/job/${jobId}`);
    const receipt = await page.waitForSelector('[data-receipt=signed]', { timeout: 30_000 });
    expect(await receipt.innerText()).toMatch(/Receipt signed with ed25519 and ml-dsa-65: 1 SCM \(runtime\), 1 at 1(\.0+)? ACU\/SCM/);
    await page.click('[data-view=job] button:has-text("Refresh") >> nth=-1');
    await page.waitForSelector('[data-hold=HELD]', { timeout: 15_000 });
    expect(await page.innerText('[data-hold=HELD]')).toMatch(/Hold 0\.1(0+)? ACU: held until/);
    await page.fill('input[name=disputeReason]', 'the frame came back empty');
    await page.click('[data-form=dispute] button[type=submit]');
    await page.waitForSelector('[data-hold=DISPUTED]');
    expect(await page.innerText('[data-hold=DISPUTED]')).toContain('the frame came back empty');
    await shot(page, 'job-settlement');
    const op = await open();
    await signIn(op, env.keys.operator.secret);
    await op.goto(`${env.url}/#/disputes`);
    await op.click(`[data-hold-job="${jobId}"] [data-action=award-buyer]`, { timeout: 15_000 });
    await op.waitForSelector(`[data-decided="${jobId}"]`);
    expect(await op.$(`[data-hold-job="${jobId}"]`)).toBeNull();
    await shot(op, 'disputes');
    await page.reload();
    await page.waitForSelector('[data-hold=REFUNDED]', { timeout: 15_000 });
    expect((await env.stack.admin.call(accountRoute, { params: { accountId: `user:${k.principalId}` } })).balance).toBe('99.100000');
  });
});

describe('payments, nodes and the fleet', () => {
  const op = () => env.stack.client(env.keys.operator.secret);

  /** A node joined over the API with a fresh key, verified, and one signed heartbeat of two H100s. */
  async function joinedNode(name: string, token?: string) {
    const t = token ?? (await op().call(joinTokenCreateRoute, { body: { policy: { gpuModels: ['H100'], regions: [], maxUnits: 8 }, ttlSec: 600 } })).token;
    const j = await env.stack.client().call(joinRoute, { body: { token: t, name, gpuModel: 'H100', region: 'us-east', units: 8, spotPrice: '9' } });
    const me = env.stack.client(j.apiKey);
    const key = generateNodeKey();
    await me.call(verifyRoute, {
      body: {
        challenge: j.challenge,
        publicKey: key.publicKey,
        algorithm: 'ed25519',
        signature: signCanonical(key, verificationMessage(j.providerId, j.challenge)),
      },
    });
    const hb = {
      providerId: j.providerId,
      timestampMs: Date.now(),
      inventory: { gpus: [0, 1].map((index) => ({ index, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] })) },
      telemetry: { utilizationPct: 12, temperatureC: 41, freeUnits: 2 },
    };
    await me.call(heartbeatRoute, { params: { id: j.providerId }, body: { ...hb, signature: signCanonical(key, hb) } });
    return j;
  }

  it('buyer: a bad amount shows the field error; checkout, then Stripe’s signed webhook, and the payment turns MINTED', async () => {
    const page = await open();
    await signIn(page, env.keys.buyer.secret);
    await page.goto(`${env.url}/#/payments`);
    await page.fill('input[name=checkoutUsd]', 'lots');
    await page.click('[data-view=payments] form button[type=submit]');
    await page.waitForSelector('[data-field="body.usdCents"] .field-error');
    await page.fill('input[name=checkoutUsd]', '25.50');
    await page.click('[data-view=payments] form button[type=submit]');
    const paymentId = (await (await page.waitForSelector('[data-checkout]')).getAttribute('data-checkout'))!;
    expect(await page.innerText('[data-checkout]')).toContain('$25.50');
    await page.waitForSelector(`[data-payment="${paymentId}"][data-status=PENDING]`);

    const nowSec = Math.floor(Date.now() / 1000);
    const payload = JSON.stringify({
      id: `evt_console_${paymentId}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: nowSec,
      data: {
        object: {
          id: 'cs_test_console',
          object: 'checkout.session',
          client_reference_id: paymentId,
          amount_total: 2550,
          payment_status: 'paid',
          payment_intent: 'pi_console',
          metadata: { paymentId, principal: env.keys.buyer.principalId, priceVersion: 'p1' },
        },
      },
    });
    const res = await fetch(`${env.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: CONSOLE_WEBHOOK_SECRET, timestamp: nowSec }),
      },
      body: payload,
    });
    expect(res.status).toBe(200);
    await page.waitForSelector(`[data-payment="${paymentId}"][data-status=MINTED]`, { timeout: 15_000 });
    await shot(page, 'payments');
  });

  it('provider: a joined node’s key sees the node online with its GPUs, its earnings, and a payout held then paid', async () => {
    const j = await joinedNode('console-node');
    await ledgerFor(env.stack.runtime).transfer({
      key: `console-fund:${j.providerId}`,
      requestHash: 'console',
      postings: [{ from: account.mint, to: account.provider(j.providerId), amount: 50_000_000n }],
      memo: 'console test earnings',
      result: {},
    });
    const page = await open();
    await signIn(page, j.apiKey);
    await page.goto(`${env.url}/#/pool`);
    await page.waitForSelector(`[data-node="${j.providerId}"][data-online=true]`);
    expect(await page.$$eval('[data-table=gpus] [data-gpu]', (els) => els.length)).toBe(2);
    await shot(page, 'node');
    await page.goto(`${env.url}/#/capacity`);
    await page.waitForSelector(`[data-view=account][data-account="provider:${j.providerId}"] [data-balance="50.000000"]`);
    await page.fill('input[name=payoutAmount]', '10');
    await page.fill('input[name=payoutTo]', 'not-an-account');
    await page.click('button:has-text("Pay out")');
    await page.waitForSelector('[data-field="body.destination"] .field-error');
    await page.fill('input[name=payoutTo]', 'acct_1Console');
    await page.click('button:has-text("Pay out")');
    const payoutId = (await (await page.waitForSelector('[data-payout-requested]')).getAttribute('data-payout-requested'))!;
    await page.waitForSelector(`[data-payout="${payoutId}"][data-status=PAID]`, { timeout: 15_000 });
    await page.waitForSelector(`[data-view=account][data-account="provider:${j.providerId}"] [data-balance="40.000000"]`);
    await shot(page, 'payouts');
  });

  it('operator: issues a join token (shown once); a node joins with it and shows in the fleet', async () => {
    const page = await open();
    await signIn(page, env.keys.operator.secret);
    await page.goto(`${env.url}/#/fleet`);
    await page.fill('input[name=joinMaxUnits]', 'many');
    await page.click('[data-view=fleet] form button[type=submit]');
    await page.waitForSelector('[data-field="body.policy.maxUnits"] .field-error');
    await page.fill('input[name=joinMaxUnits]', '8');
    await page.fill('input[name=joinModels]', 'H100');
    await page.click('[data-view=fleet] form button[type=submit]');
    const token = (await (await page.waitForSelector('[data-join-token] [data-secret]')).innerText()).trim();
    const j = await joinedNode('fleet-node', token);
    await page.click('[data-view=fleet] section:has-text("Joined providers") button:has-text("Refresh")');
    await page.waitForSelector(`[data-fleet="${j.providerId}"][data-online=true]`);
    await shot(page, 'fleet');
  });

  it('buyer: the inputs uploaded from the CLI are listed; one is deleted from the console', async () => {
    // What `vracu artifacts put` does, on the test's side: seal, register, upload, complete.
    const buyer = env.stack.client(env.keys.buyer.secret);
    const sealed = await sealBytes(new Uint8Array(700).fill(3), newFileKey(), 256);
    const key = Buffer.from(newFileKey()).toString('base64');
    const created = await buyer.call(createArtifactRoute, {
      body: { name: 'frames.tar', size: sealed.length, merkleRoot: Buffer.from(merkleRoot(recordsOf(sealed))).toString('hex'), fileKey: key },
    });
    if (created.upload.method !== 'PUT') throw new Error('expected one PUT');
    expect((await fetch(created.upload.url, { method: 'PUT', headers: created.upload.headers, body: sealed })).status).toBe(200);
    const aid = created.artifact.artifactId;
    await buyer.call(completeArtifactRoute, { params: { aid }, body: {} });

    const page = await open();
    await signIn(page, env.keys.buyer.secret);
    await page.goto(`${env.url}/#/inputs`);
    await page.waitForSelector(`[data-input="${aid}"][data-state=uploaded]`);
    expect(await page.innerText(`[data-input="${aid}"]`)).toContain('frames.tar');
    await page.click(`[data-delete="${aid}"]`);
    expect(await (await page.waitForSelector(`[data-deleted="${aid}"]`)).textContent()).toMatch(/key and its ciphertext are gone/);
    await page.waitForSelector(`[data-input="${aid}"][data-state=deleted]`);
    expect(await page.$(`[data-delete="${aid}"]`)).toBeNull();
    await shot(page, 'inputs');
  });

  it('operator: chain reconciliation on an exchange without a chain says there is nothing to reconcile', async () => {
    const page = await open();
    await signIn(page, env.keys.operator.secret);
    await page.goto(`${env.url}/#/reconcile`);
    await page.click('button:has-text("Reconcile now")');
    expect(await (await page.waitForSelector('[data-reconcile=no-chain]', { timeout: 30_000 })).textContent()).toMatch(/No chain is configured/);
    await shot(page, 'reconcile');
  });

  it('admin: a revocation names what it cancelled; a malformed value shows its field error', async () => {
    const page = await open();
    await signIn(page, env.keys.admin.secret);
    await page.goto(`${env.url}/#/keys`);
    await page.selectOption('select[name=revokeKind]', 'attestation_hash');
    await page.fill('input[name=revokeValue]', 'not-a-hash');
    await page.fill('input[name=revokeReason]', 'console test');
    await page.click('button:has-text("Revoke")');
    await page.waitForSelector('[data-field="body.value"] .field-error');
    await page.selectOption('select[name=revokeKind]', 'provider');
    await page.fill('input[name=revokeValue]', 'prov_console_gone');
    await page.click('button:has-text("Revoke")');
    expect(await (await page.waitForSelector('[data-revoked=prov_console_gone]')).innerText()).toMatch(
      /Revoked: provider .*0 session\(s\) cancelled, 0 job\(s\) aborted/,
    );
  });
});

describe('admin', () => {
  it('runs the ledger check and sees the verdict; creates a key (secret shown once)', async () => {
    const page = await open();
    await signIn(page, env.keys.admin.secret);
    await page.goto(`${env.url}/#/ledger-check`);
    await page.click('button:has-text("Run the check")');
    expect(await (await page.waitForSelector('[data-check-ok]', { timeout: 30_000 })).getAttribute('data-check-ok')).toBe('true');
    await shot(page, 'ledger-check');
    await page.goto(`${env.url}/#/keys`);
    await page.fill('input[name=tenant]', 'bad tenant!');
    await page.click('[data-view=keys] form button[type=submit] >> nth=0');
    await page.waitForSelector('[data-field="body.tenant"] .field-error');
    await page.fill('input[name=tenant]', 'new-buyer');
    await page.click('[data-view=keys] form button[type=submit] >> nth=0');
    expect((await (await page.waitForSelector('[data-secret]')).innerText()).length).toBeGreaterThan(20);
    await shot(page, 'keys');
    await page.goto(`${env.url}/#/providers`);
    await page.waitForSelector('[data-table=catalog] [data-provider]');
    await shot(page, 'providers');
  });

  it('no page raised an error or a CSP refusal', () => {
    expect(pageProblems).toEqual([]);
  });
});
