/** Receipts: metering arithmetic with named roundings, dual signatures (AND rule), tampering and wrong labels refused. */
import { describe, expect, it } from 'vitest';
import { meteredUsage, sliceDigest, slicesDigest, twapMicro, type Slice } from '../../../functions/control-plane/domain/metering.ts';
import { receiptBody, RECEIPT_LABEL, signReceipt, verifyReceipt, type ReceiptFacts } from '../../../functions/control-plane/domain/receipt.ts';
import { keyPairFromSeeds, keyIdOf, publicKeys, signBoth, unb64, verifyBoth } from '../../../functions/control-plane/domain/signatures.ts';
import { canonicalBytes } from '../../../functions/platform/canonical-json.ts';

const seed = (b: number) => new Uint8Array(32).fill(b);
const KEYS = keyPairFromSeeds(seed(1), seed(2));
const slice = (seq: number, scmDeltaMilli: bigint, priceIndexMicro: bigint): Slice => ({
  jobId: 'job-1',
  bucketId: 'H100:us-east-1',
  seq,
  scmDeltaMilli,
  priceIndexMicro,
});

describe('metering and settlement', () => {
  const slices = [slice(1, 30_000n, 2_000_000n), slice(2, 10_000n, 3_000_000n)];
  it('TWAP is SCM-weighted (TWAP_HALF_UP)', () => {
    expect(twapMicro(slices)).toBe(2_250_000n);
    expect(twapMicro([slice(1, 2n, 1n), slice(2, 1n, 2n)])).toBe(1n); // 4/3 = 1.33 → 1
    expect(twapMicro([slice(1, 1n, 1n), slice(2, 1n, 2n)])).toBe(2n); // 3/2 = 1.5 → 2
    expect(twapMicro([])).toBeNull();
  });
  it('METER_CEIL: metered milli-SCM bill as whole SCM, rounded up; no slices, no SCM and no TWAP', () => {
    expect(meteredUsage([slice(1, 1_001n, 999n)])).toMatchObject({ slices: 1, scmMilli: 1_001n, billedScm: 2n, twapMicro: 999n });
    expect(meteredUsage(slices)).toMatchObject({ scmMilli: 40_000n, billedScm: 40n, twapMicro: 2_250_000n, slicesDigest: slicesDigest(slices) });
    expect(meteredUsage([])).toMatchObject({ slices: 0, scmMilli: 0n, billedScm: 0n, twapMicro: null });
  });
  it('slice digests: content-addressed, order-independent for the job digest', () => {
    expect(sliceDigest(slices[0]!)).toMatch(/^[0-9a-f]{64}$/);
    expect(sliceDigest({ ...slices[0]!, scmDeltaMilli: 30_001n })).not.toBe(sliceDigest(slices[0]!));
    expect(slicesDigest([...slices].reverse())).toBe(slicesDigest(slices));
  });
});

describe('dual signatures', () => {
  const msg = canonicalBytes({ hello: 'world', n: 1 });
  const keys = publicKeys(KEYS);
  it('keys are deterministic from seeds, with SHA-256 key ids and the FIPS 204 sizes', () => {
    expect(publicKeys(keyPairFromSeeds(seed(1), seed(2)))).toEqual(keys);
    expect(unb64(keys[0]!.publicKey)).toHaveLength(32);
    expect(unb64(keys[1]!.publicKey)).toHaveLength(1952);
    expect(keys[0]!.keyId).toBe(keyIdOf(unb64(keys[0]!.publicKey)));
  });
  it('both verify on the good path', () => {
    const sigs = signBoth(KEYS, 'test', msg);
    expect(unb64(sigs[1]!.sig)).toHaveLength(3309);
    expect(verifyBoth(keys, sigs, 'test', msg)).toEqual({ valid: true, ed25519: true, mlDsa65: true });
  });
  it('another label (domain separation), another message or one bad signature fails the AND rule', () => {
    const sigs = signBoth(KEYS, 'test', msg);
    expect(verifyBoth(keys, sigs, 'other', msg)).toEqual({ valid: false, ed25519: false, mlDsa65: false });
    expect(verifyBoth(keys, sigs, 'test', canonicalBytes({ hello: 'world', n: 2 })).valid).toBe(false);
    const badEd = sigs.map((s) => (s.alg === 'ed25519' ? { ...s, sig: signBoth(KEYS, 'test', canonicalBytes(1))[0]!.sig } : s));
    expect(verifyBoth(keys, badEd, 'test', msg)).toEqual({ valid: false, ed25519: false, mlDsa65: true });
    expect(verifyBoth(keys, sigs.slice(0, 1), 'test', msg)).toMatchObject({ valid: false, ed25519: true, mlDsa65: false });
    const strangerKeys = publicKeys(keyPairFromSeeds(seed(3), seed(4)));
    expect(verifyBoth(strangerKeys, sigs, 'test', msg).valid).toBe(false);
  });
});

describe('receipts', () => {
  const facts: ReceiptFacts = {
    jobId: 'job-1',
    buyerId: 'alice',
    providerId: 'pA',
    bucketId: 'H100:us-east-1',
    usage: meteredUsage([slice(1, 30_000n, 2_000_000n)]),
    settled: {
      scm: 30n,
      basis: 'metered',
      coveredScm: 10n,
      spotScm: 20n,
      twapMicro: 2_000_000n,
      rcDraws: [{ rcId: 'rc_1', scm: 10n, amountMicro: 15_000_000n }],
      burnMicro: 40_000_000n,
      arrearsMicro: 0n,
      holdMicro: 2_000_000n,
      providerMicro: 53_000_000n,
      ledgerTransferIds: ['txn_1'],
    },
    settledAt: '2026-12-02T07:00:00.000Z',
  };
  it('the body speaks decimal strings and signs over its canonical bytes', () => {
    const body = receiptBody(facts);
    expect(body).toMatchObject({
      burn: '40.000000',
      hold: '2.000000',
      providerAmount: '53.000000',
      twap: '2.000000',
      meteredScmMilli: '30000',
      scm: '30',
      spotScm: '20',
      rcDraws: [{ rcId: 'rc_1', scm: '10', amount: '15.000000' }],
      refund: '0.000000',
      ledgerTransferIds: ['txn_1'],
    });
    const signed = signReceipt(KEYS, body);
    expect(verifyReceipt(publicKeys(KEYS), signed).valid).toBe(true);
    expect(RECEIPT_LABEL).toMatch(/receipt/);
  });
  it('a tampered amount, or members in another order, is judged on the canonical bytes', () => {
    const signed = signReceipt(KEYS, receiptBody(facts));
    expect(verifyReceipt(publicKeys(KEYS), { ...signed, receipt: { ...signed.receipt, burn: '39.000000' } }).valid).toBe(false);
    const reordered = JSON.parse(JSON.stringify({ signatures: signed.signatures, receipt: Object.fromEntries(Object.entries(signed.receipt).reverse()) }));
    expect(verifyReceipt(publicKeys(KEYS), reordered).valid).toBe(true);
  });
});
