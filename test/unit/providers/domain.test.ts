/** The providers domain: calibration weights, join-token scope, heartbeat freshness, node-key signatures (real crypto). */
import { describe, expect, it } from 'vitest';
import { REFERENCE, scmPerMinMilli, scorePpm, scuPerHour, WEIGHTS } from '../../../functions/providers/domain/calibration.ts';
import { checkScope, redeemable } from '../../../functions/providers/domain/join-token.ts';
import { freshness, HEARTBEAT_WINDOW_MS, inventoryUnits, isOverdue, OFFLINE_AFTER_MS } from '../../../functions/providers/domain/heartbeat.ts';
import { parseNodeKey, verificationMessage, verifySigned } from '../../../functions/providers/domain/node-key.ts';
import { availableUnits, isQuotable } from '../../../functions/providers/domain/provider.ts';
import { generateNodeKey, signCanonical } from '../../../sdk/provider/node-key.ts';

const ref = { ...REFERENCE, variabilityPpm: 0 };

describe('calibration: FP16 55 %, FP32 15 %, memory bandwidth 15 %, interconnect 10 %, stability 5 %', () => {
  it('the weights sum to one', () => expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0n)).toBe(1_000_000n));
  it('the reference machine scores 1.000 SCM/min', () => {
    expect(scorePpm(ref)).toBe(1_000_000n);
    expect(scmPerMinMilli(ref)).toBe(1000n);
  });
  it.each([
    ['fp16Gflops', 550n],
    ['fp32Gflops', 150n],
    ['memBandwidthGBs', 150n],
    ['interconnectGBs', 100n],
  ] as const)('zeroing %s loses exactly its weight (%i milli)', (metric, weightMilli) => {
    expect(scmPerMinMilli({ ...ref, [metric]: 0 })).toBe(1000n - weightMilli);
  });
  it('doubling FP16 adds its weight once more', () => expect(scmPerMinMilli({ ...ref, fp16Gflops: 2 * REFERENCE.fp16Gflops })).toBe(1550n));
  it('instability costs up to 5 %: half-spread costs 2.5 %, full spread 5 %', () => {
    expect(scmPerMinMilli({ ...ref, variabilityPpm: 500_000 })).toBe(975n);
    expect(scmPerMinMilli({ ...ref, variabilityPpm: 1_000_000 })).toBe(950n);
    expect(scmPerMinMilli({ ...ref, variabilityPpm: 5_000_000 })).toBe(950n);
  });
  it('an A100-like node scores below the reference, each ratio floored to ppm', () => {
    const a100 = { fp16Gflops: 312_000, fp32Gflops: 19_500, memBandwidthGBs: 2_039, interconnectGBs: 600, variabilityPpm: 20_000 };
    // 0.55×312/989 + 0.15×19.5/67 + 0.15×2039/3350 + 0.10×600/900 + 0.05×0.98, each ratio floored to ppm
    const expected =
      (550_000n * ((312_000n * 1_000_000n) / 989_000n) +
        150_000n * ((19_500n * 1_000_000n) / 67_000n) +
        150_000n * ((2_039n * 1_000_000n) / 3_350n) +
        100_000n * ((600n * 1_000_000n) / 900n) +
        50_000n * 980_000n) /
      1_000_000n;
    expect(scorePpm(a100)).toBe(expected);
    expect(scmPerMinMilli(a100)).toBe((expected * 1000n) / 1_000_000n);
    expect(Number(scmPerMinMilli(a100))).toBeGreaterThan(400);
    expect(Number(scmPerMinMilli(a100))).toBeLessThan(700);
  });
  it('a node that measured nothing still converts at 1 milli (never zero SCU)', () =>
    expect(scmPerMinMilli({ fp16Gflops: 0, fp32Gflops: 0, memBandwidthGBs: 0, interconnectGBs: 0, variabilityPpm: 1_000_000 })).toBe(1n));
  it('capacity per hour: units × SCM/min × 60, floored', () => {
    expect(scuPerHour(8, 1000n)).toBe(480n);
    expect(scuPerHour(3, 333n)).toBe(59n);
    expect(scuPerHour(0, 1000n)).toBe(0n);
  });
});

describe('join tokens', () => {
  const policy = { gpuModels: ['H100', 'A100'], regions: ['us-east'], maxUnits: 8 };
  it.each([
    [{ gpuModel: 'H100', region: 'us-east', units: 8 }, { ok: true }],
    [
      { gpuModel: 'L40S', region: 'us-east', units: 1 },
      { ok: false, field: 'gpuModel' },
    ],
    [
      { gpuModel: 'A100', region: 'eu-west', units: 1 },
      { ok: false, field: 'region' },
    ],
    [
      { gpuModel: 'A100', region: 'us-east', units: 9 },
      { ok: false, field: 'units' },
    ],
  ])('scope of %j', (claim, fact) => expect(checkScope(policy, claim)).toMatchObject(fact));
  it('empty lists allow any model and region', () =>
    expect(checkScope({ gpuModels: [], regions: [], maxUnits: 1 }, { gpuModel: 'X', region: 'y', units: 1 }).ok).toBe(true));
  it('redeemable once, and only before expiry', () => {
    expect(redeemable({ status: 'ISSUED', expiresAtMs: 1000 }, 999)).toEqual({ ok: true });
    expect(redeemable({ status: 'ISSUED', expiresAtMs: 1000 }, 1000)).toEqual({ ok: false, why: 'expired' });
    expect(redeemable({ status: 'REDEEMED', expiresAtMs: 1000 }, 0)).toEqual({ ok: false, why: 'redeemed' });
  });
});

describe('heartbeats', () => {
  const now = 1_000_000_000;
  it.each([
    [now, null, { ok: true }],
    [now - HEARTBEAT_WINDOW_MS, null, { ok: true }],
    [now - HEARTBEAT_WINDOW_MS - 1, null, { ok: false, why: 'stale' }],
    [now + HEARTBEAT_WINDOW_MS + 1, null, { ok: false, why: 'stale' }],
    [now, now, { ok: false, why: 'replayed' }],
    [now - 1, now, { ok: false, why: 'replayed' }],
    [now, now - 1, { ok: true }],
  ])('timestamp %i after %s', (ts, last, fact) => expect(freshness(ts, now, last)).toEqual(fact));
  it('units: a MIG-mode GPU counts its instances', () =>
    expect(
      inventoryUnits({
        gpus: [
          { index: 0, model: 'H100', memoryMiB: 81559, migMode: true, migInstances: ['1g.10gb', '1g.10gb', '3g.40gb'] },
          { index: 1, model: 'H100', memoryMiB: 81559, migMode: false, migInstances: [] },
        ],
      }),
    ).toBe(4));
  it('overdue after OFFLINE_AFTER_MS without a heartbeat', () => {
    expect(isOverdue(now, now + OFFLINE_AFTER_MS)).toBe(false);
    expect(isOverdue(now, now + OFFLINE_AFTER_MS + 1)).toBe(true);
    expect(isOverdue(null, now)).toBe(true);
  });
  it('quotable only when verified and online', () => {
    expect(isQuotable({ status: 'VERIFIED', online: true })).toBe(true);
    expect(isQuotable({ status: 'VERIFIED', online: false })).toBe(false);
    expect(isQuotable({ status: 'JOINED', online: true })).toBe(false);
  });
});

describe('node keys (real Ed25519 and ECDSA P-256)', () => {
  it.each(['ed25519', 'ecdsa-p256'] as const)('%s: a signature over the canonical JSON verifies; another message or key does not', (alg) => {
    const k = generateNodeKey(alg);
    const parsed = parseNodeKey(k.publicKey, alg);
    if (!parsed.ok) throw new Error(parsed.reason);
    const msg = verificationMessage('prv_X', 'c1');
    const sig = signCanonical(k, msg);
    expect(verifySigned(parsed.key, alg, msg, sig)).toBe(true);
    // Member order does not matter: both sides sign the canonical form.
    expect(verifySigned(parsed.key, alg, { challenge: 'c1', providerId: 'prv_X', purpose: 'vracu-provider-verify' }, sig)).toBe(true);
    expect(verifySigned(parsed.key, alg, verificationMessage('prv_Y', 'c1'), sig)).toBe(false);
    const other = parseNodeKey(generateNodeKey(alg).publicKey, alg);
    expect(other.ok && verifySigned(other.key, alg, msg, sig)).toBe(false);
    expect(verifySigned(parsed.key, alg, msg, '')).toBe(false);
  });
  it('a key of the other algorithm, or not a key, is refused', () => {
    expect(parseNodeKey(generateNodeKey('ed25519').publicKey, 'ecdsa-p256').ok).toBe(false);
    expect(parseNodeKey(generateNodeKey('ecdsa-p256').publicKey, 'ed25519').ok).toBe(false);
    expect(parseNodeKey('bm90IGEga2V5', 'ed25519').ok).toBe(false);
  });
});

describe('units a new job may take', () => {
  it('is what the node reported free, never more than the units offered less those held', () => {
    expect(availableUnits({ units: 4, freeUnits: 4, heldUnits: 0 })).toBe(4);
    // The node's jobs run elsewhere (the local sandbox): it reports all free; the holds count.
    expect(availableUnits({ units: 4, freeUnits: 4, heldUnits: 3 })).toBe(1);
    // The node runs them itself: it reports them busy, and the holds say the same.
    expect(availableUnits({ units: 4, freeUnits: 1, heldUnits: 3 })).toBe(1);
    expect(availableUnits({ units: 4, freeUnits: 0, heldUnits: 0 })).toBe(0);
    expect(availableUnits({ units: 2, freeUnits: 2, heldUnits: 5 })).toBe(0);
  });
});
