/**
 * Metering slices and receipts on DynamoDB Local: content idempotency, the receipt issued
 * once, shown to its parties only, and verified offline by `vracu receipts verify`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { call, principal } from '../market/support.ts';
import * as api from '../../../functions/control-plane/api.ts';
import { issueReceipt, usageOf } from '../../../functions/control-plane/index.ts';
import { vracuProgram } from '../../../sdk/cli/program.ts';
import { ReceiptRejectedError } from '../../../sdk/commands/receipts.ts';
import { joinedProvider, type Joined } from '../providers/support.ts';
import { sliceMessage } from '../../../functions/control-plane/domain/metering.ts';
import { signCanonical } from '../../../sdk/provider/node-key.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { scanTable } from '../../support/scan.ts';

/** A joined provider whose verified node key signs its slices (the beforeAll joins it). */
let node: Joined;
let other: Joined;
const BUYER = principal('alice');
let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'vracu-receipts-'));

async function vracu(args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const program = vracuProgram({ VRACU_URL: 'http://127.0.0.1:9' }, (s) => (out += s));
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)])
    c.exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    await program.parseAsync(['node', 'vracu', ...args]);
    return { out };
  } catch (error) {
    return { out, error };
  }
}

const slice = (seq: number, scmDeltaMilli: string, priceIndex: string, signer: Joined = node) => {
  const b = { jobId: 'job-r1', bucketId: 'H100:us-east-1', seq, scmDeltaMilli, priceIndex };
  const message = sliceMessage(node.providerId, { ...b, scmDeltaMilli: BigInt(scmDeltaMilli), priceIndexMicro: parseAcu(priceIndex) });
  return { body: { ...b, signature: signCanonical(signer.key, message) } };
};

beforeAll(async () => {
  env = await testEnv({ seed: 11 });
  node = await joinedProvider(env);
  other = await joinedProvider(env);
});

describe('metering slices', () => {
  it('an exact duplicate succeeds silently; another slice at the same seq is refused', async () => {
    const a = await call(api.sliceRoute, node.principal, slice(1, '30000', '2'));
    expect(a).toMatchObject({ status: 200, body: { outcome: 'written' } });
    const dup = await call(api.sliceRoute, node.principal, slice(1, '30000', '2'));
    expect(dup).toMatchObject({ status: 200, body: { outcome: 'duplicate', digest: a.body.digest } });
    const conflict = await call(api.sliceRoute, node.principal, slice(1, '30001', '2'));
    expect(conflict).toMatchObject({ status: 409, body: { code: 'slice_conflict' } });
    expect(await call(api.sliceRoute, BUYER, slice(2, '1', '1'))).toMatchObject({ status: 403 });
    expect((await call(api.sliceRoute, node.principal, slice(2, '10000', '3'))).status).toBe(200);
  });

  it('only slices its own verified node key signed: another node, another body, another provider, no signature → refused, nothing written', async () => {
    const before = await scanTable(env.rt, 'controlplane');
    const refused = { status: 401, body: { code: 'slice_signature_invalid' } };
    // Signed by another provider's node key.
    expect(await call(api.sliceRoute, node.principal, slice(3, '100', '1', other))).toMatchObject(refused);
    // Signed, then another amount sent.
    const signed = slice(3, '100', '1');
    expect(await call(api.sliceRoute, node.principal, { body: { ...signed.body, scmDeltaMilli: '1000' } })).toMatchObject(refused);
    // This node's signature sent with another provider's key (the message names the signer's provider).
    expect(await call(api.sliceRoute, other.principal, signed)).toMatchObject(refused);
    // A provider key with no verified node.
    expect(await call(api.sliceRoute, principal('pX', 'provider'), signed)).toMatchObject(refused);
    const { signature: _s, ...unsigned } = signed.body;
    expect(await call(api.sliceRoute, node.principal, { body: unsigned })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await scanTable(env.rt, 'controlplane')).toEqual(before);
  });
});

describe('receipts', () => {
  let file: string;
  it('reads the usage from the slices (SCM-weighted TWAP) and issues the receipt once', async () => {
    const cp = env.compositions['control-plane'];
    const usage = await usageOf(cp, 'job-r1');
    expect(usage).toMatchObject({ slices: 2, scmMilli: 40_000n, billedScm: 40n, twapMicro: 2_250_000n });
    // As the billing gives it: what the settlement transfer moved (40 SCM at spot, 10 % held).
    const settled = {
      scm: 40n,
      basis: 'metered' as const,
      coveredScm: 0n,
      spotScm: 40n,
      twapMicro: 2_250_000n,
      rcDraws: [],
      burnMicro: 90_000_000n,
      arrearsMicro: 0n,
      holdMicro: 9_000_000n,
      providerMicro: 81_000_000n,
      ledgerTransferIds: ['txn_x'],
    };
    const input = { jobId: 'job-r1', buyerId: 'alice', providerId: node.providerId, bucketId: 'H100:us-east-1', usage, settled };
    const first = await issueReceipt(cp, input);
    expect(first.replayed).toBe(false);
    env.clock.advance(1_000);
    const again = await issueReceipt(cp, { ...input, settled: { ...settled, ledgerTransferIds: ['txn_other'] } });
    expect(again).toEqual({ receipt: first.receipt, replayed: true });
  });

  it('GET /v1/jobs/{id}/receipt for the buyer and the provider; others see none', async () => {
    const r = await call(api.receiptRoute, BUYER, { params: { id: 'job-r1' } });
    expect(r.status).toBe(200);
    expect(r.body.receipt).toMatchObject({ jobId: 'job-r1', burn: '90.000000', hold: '9.000000', providerAmount: '81.000000', twap: '2.250000' });
    expect((await call(api.receiptRoute, node.principal, { params: { id: 'job-r1' } })).status).toBe(200);
    expect(await call(api.receiptRoute, principal('mallory'), { params: { id: 'job-r1' } })).toMatchObject({
      status: 404,
      body: { code: 'receipt_not_found' },
    });
    expect(await call(api.receiptRoute, BUYER, { params: { id: 'job-none' } })).toMatchObject({ status: 404, body: { code: 'receipt_not_found' } });
    file = join(dir, 'receipt.json');
    writeFileSync(file, JSON.stringify(r.body));
  });

  it('vracu receipts verify: VALID offline with the published keys; a tampered file or other keys exit 1', async () => {
    const keys = await call(api.signingKeysRoute, null);
    expect(keys.status).toBe(200);
    expect((keys.body.keys as { alg: string }[]).map((k) => k.alg)).toEqual(['ed25519', 'ml-dsa-65']);
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(keys.body));
    const ok = await vracu(['--json', 'receipts', 'verify', file, '--keys', keysFile]);
    expect(ok.error).toBeUndefined();
    expect(JSON.parse(ok.out)).toEqual({ valid: true, ed25519: true, mlDsa65: true, jobId: 'job-r1', offline: true, signersLogged: null });

    const signed = JSON.parse(JSON.stringify((await call(api.receiptRoute, BUYER, { params: { id: 'job-r1' } })).body));
    signed.receipt.providerAmount = '90.000000';
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(signed));
    const bad = await vracu(['receipts', 'verify', tampered, '--keys', keysFile]);
    expect(bad.error).toBeInstanceOf(ReceiptRejectedError);
    expect(bad.out).toMatch(/^INVALID/);

    const otherKeys = join(dir, 'other-keys.json');
    const mine = keys.body.keys as { alg: string; keyId: string; publicKey: string }[];
    writeFileSync(otherKeys, JSON.stringify({ keys: mine.filter((k) => k.alg === 'ed25519') }));
    const half = await vracu(['--json', 'receipts', 'verify', file, '--keys', otherKeys]);
    expect(half.error).toBeInstanceOf(ReceiptRejectedError);
    expect(JSON.parse(half.out)).toMatchObject({ valid: false, ed25519: true, mlDsa65: false });
  });
});
