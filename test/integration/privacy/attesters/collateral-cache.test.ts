/**
 * The collateral cache on the real DynamoDB Local: it answers from DynamoDB inside a record's
 * update window, asks the vendor after it, never replaces collateral with an older version
 * (replayed TCB info, an old CRL), and falls back to the stale record only when the vendor is
 * unreachable (the verifier then rejects it on time).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../support/runtime.ts';
import { getCachedCollateral, putCollateral, type CacheCtx } from '../../../../functions/privacy/attesters/store/collateral-cache.ts';
import { CachedCollateralSource } from '../../../../functions/privacy/attesters/collateral/cached-source.ts';
import {
  CollateralUnavailableError,
  type CollateralKey,
  type CollateralRecord,
  type CollateralSource,
} from '../../../../functions/privacy/attesters/collateral/source.ts';
import { tdxRecord } from '../../../../functions/privacy/attesters/collateral/versions.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import { verifyTdx } from '../../../../functions/privacy/attesters/tdx/verify.ts';
import { tdxPolicy } from '../../../../functions/privacy/attesters/domain/tdx/policy.ts';
import { fixture, fixtureText } from '../../../unit/privacy/attesters/fixtures.ts';

let env: TestEnv;
let cache: CacheCtx;
beforeAll(async () => {
  env = await testEnv();
  cache = { doc: env.rt.doc, table: env.rt.table('privacy') };
});

const KEY: CollateralKey = { kind: 'tdx', fmspc: 'b0c06f000000', ca: 'platform' };
const real = JSON.parse(fixtureText('tdx/phala-dcap-qvl/tdx_quote_collateral.json')) as TdxCollateral;
const ISSUED = Date.parse('2025-06-19T10:16:03Z');

const record = (key: string, sequence: number, issuedAtMs: number, nextUpdateMs?: number, body = `v${sequence}.${issuedAtMs}`): CollateralRecord => ({
  key,
  body,
  version: { sequence, issuedAtMs },
  ...(nextUpdateMs !== undefined ? { nextUpdateMs } : {}),
  fetchedAtMs: issuedAtMs,
});

/** An upstream that returns what it is told and counts calls. */
function vendor(answers: (CollateralRecord | Error | undefined)[]): CollateralSource & { calls: number } {
  const s = {
    calls: 0,
    async fetch(): Promise<CollateralRecord | undefined> {
      const a = answers[Math.min(s.calls++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return s;
}

describe('collateral cache (DynamoDB)', () => {
  it('stores a record and reads it back', async () => {
    const r = tdxRecord('tdx/roundtrip/platform', real, ISSUED);
    expect(await putCollateral(cache, r)).toBe('stored');
    expect(await getCachedCollateral(cache, r.key)).toEqual(r);
  });

  it.each([
    ['an older tcbEvaluationDataNumber', 16, 2_000, 'kept'],
    ['the same version again', 17, 1_000, 'kept'],
    ['the same number, issued earlier', 17, 500, 'kept'],
    ['the same number, issued later', 17, 1_500, 'stored'],
    ['a higher number, issued earlier', 18, 100, 'stored'],
  ] as const)('over version (17, 1000): %s (sequence %i, issued %i) → %s', async (_n, seq, iss, outcome) => {
    const key = `test/order/${seq}/${iss}`;
    await putCollateral(cache, record(key, 17, 1_000));
    expect(await putCollateral(cache, record(key, seq, iss))).toBe(outcome);
    const now = await getCachedCollateral(cache, key);
    expect(now?.version).toEqual(outcome === 'stored' ? { sequence: seq, issuedAtMs: iss } : { sequence: 17, issuedAtMs: 1_000 });
  });

  it('a record with a next update gets a TTL a week after it; an immutable one none', async () => {
    await putCollateral(cache, record('test/ttl/a', 1, 1_000, 10_000_000));
    await putCollateral(cache, record('test/ttl/b', 1, 1_000));
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const a = await env.rt.doc.send(new GetCommand({ TableName: cache.table, Key: { pk: 'COLL#test/ttl/a', sk: 'COLL' } }));
    const b = await env.rt.doc.send(new GetCommand({ TableName: cache.table, Key: { pk: 'COLL#test/ttl/b', sk: 'COLL' } }));
    expect(Number(a.Item?.ttl)).toBe(Math.ceil((10_000_000 + 7 * 24 * 3600 * 1000) / 1000));
    expect(b.Item?.ttl).toBeUndefined();
  });
});

describe('CachedCollateralSource', () => {
  const key = (k: string): CollateralKey => ({ kind: 'nvidia-rim', id: k });

  it('inside the update window: answers from DynamoDB without asking the vendor', async () => {
    const up = vendor([record('nvidia-rim/w1', 1, 1_000, 5_000)]);
    const src = new CachedCollateralSource(cache, up);
    expect((await src.fetch(key('w1'), 2_000))?.version.sequence).toBe(1);
    expect((await src.fetch(key('w1'), 4_999))?.version.sequence).toBe(1);
    expect(up.calls).toBe(1);
  });

  it('past the next update: asks the vendor and stores the newer record', async () => {
    const up = vendor([record('nvidia-rim/w2', 1, 1_000, 5_000), record('nvidia-rim/w2', 2, 5_000, 9_000)]);
    const src = new CachedCollateralSource(cache, up);
    await src.fetch(key('w2'), 2_000);
    const r = await src.fetch(key('w2'), 6_000);
    expect(r?.version).toEqual({ sequence: 2, issuedAtMs: 5_000 });
    expect(up.calls).toBe(2);
    expect((await getCachedCollateral(cache, 'nvidia-rim/w2'))?.version.sequence).toBe(2);
  });

  it('refuses to go back: an older answer from the vendor (or a replay) leaves the newer record in place', async () => {
    const up = vendor([record('nvidia-rim/w3', 5, 1_000, 2_000), record('nvidia-rim/w3', 4, 3_000, 9_000)]);
    const src = new CachedCollateralSource(cache, up);
    await src.fetch(key('w3'), 1_500);
    const r = await src.fetch(key('w3'), 2_500);
    expect(r?.version.sequence).toBe(5);
    expect((await getCachedCollateral(cache, 'nvidia-rim/w3'))?.version.sequence).toBe(5);
  });

  it('vendor unreachable: the stale record is returned, not a fresh-looking one; no record at all: the error', async () => {
    const up = vendor([record('nvidia-rim/w4', 1, 1_000, 2_000), new CollateralUnavailableError('down', 503)]);
    const src = new CachedCollateralSource(cache, up);
    await src.fetch(key('w4'), 1_500);
    expect((await src.fetch(key('w4'), 3_000))?.nextUpdateMs).toBe(2_000);
    await expect(new CachedCollateralSource(cache, vendor([new CollateralUnavailableError('down', 503)])).fetch(key('w5'), 3_000)).rejects.toBeInstanceOf(
      CollateralUnavailableError,
    );
  });

  it('end to end: real TDX collateral through the cache verifies the real quote; the stale copy is rejected on time', async () => {
    const up = vendor([tdxRecord('tdx/b0c06f000000/platform', real, ISSUED), new CollateralUnavailableError('down')]);
    const src = new CachedCollateralSource(cache, up);
    const quote = fixture('tdx/phala-dcap-qvl/tdx_quote');
    const nonce = quote.slice(48 + 520, 48 + 584);
    const inWindow = Date.parse('2025-06-19T11:16:03Z');
    const got = await src.fetch(KEY, inWindow);
    const c = JSON.parse(got!.body) as TdxCollateral;
    expect(verifyTdx({ quote, collateral: c }, nonce, tdxPolicy(), { nowMs: () => inWindow })).toMatchObject({
      valid: true,
      claims: { tcbStatus: 'UpToDate' },
    });
    const later = Date.parse('2025-08-01T00:00:00Z');
    const stale = JSON.parse((await src.fetch(KEY, later))!.body) as TdxCollateral;
    expect(verifyTdx({ quote, collateral: stale }, nonce, tdxPolicy(), { nowMs: () => later })).toMatchObject({ valid: false, code: 'chain_expired' });
  });
});
