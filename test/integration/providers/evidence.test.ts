/**
 * A provider proves its hardware, on DynamoDB Local: a single-use nonce, evidence over the
 * challenge of its id and that nonce, verified by the real SEV-SNP verifier. Through the API
 * (pinned AMD roots): real public evidence carries another challenge and is refused, with
 * nothing written. With a test CA in AMD's formats as the trust anchor (the only way to make
 * valid evidence over a chosen challenge here): the proof is recorded, the nonce consumed, a
 * replay refused, and placement then gives an SEV-SNP job to that provider only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import * as api from '../../../functions/providers/api.ts';
import { composeProviders } from '../../../functions/providers/deps.ts';
import { proveEvidence } from '../../../functions/providers/usecases/evidence.ts';
import { place } from '../../../functions/providers/usecases/placement.ts';
import type { Attesters } from '../../../functions/privacy/index.ts';
import { verifySnp } from '../../../functions/privacy/attesters/snp/verify.ts';
import { snpPolicy } from '../../../functions/privacy/attesters/domain/snp/policy.ts';
import { challengeFor } from '../../../functions/privacy/attesters/domain/challenge.ts';
import { AMD_ROOTS } from '../../../functions/privacy/attesters/roots/amd.ts';
import { PINNED } from '../../../functions/privacy/attesters/roots/trust.ts';
import { AppError } from '../../../functions/platform/errors.ts';
import { signingKey, snpReport, testProduct } from '../../unit/privacy/attesters/snp-test-ca.ts';
import { fixture } from '../../unit/privacy/attesters/fixtures.ts';
import { call, heartbeat, joinedProvider, snapshot, type Joined } from './support.ts';
import { principal } from '../market/support.ts';

let env: TestEnv;
let prover: Joined;
let other: Joined;
const TCB = { bootloader: 9, tee: 0, snp: 23, microcode: 0x48 };

beforeAll(async () => {
  env = await testEnv({ seed: 23 });
  prover = await joinedProvider(env);
  other = await joinedProvider(env);
  for (const j of [prover, other])
    expect((await call(api.heartbeatRoute, j.principal, { params: { id: j.providerId }, body: heartbeat(env, j) })).status).toBe(200);
}, 60_000);

const nonceFor = async (j: Joined): Promise<string> => {
  const r = await call(api.evidenceNonceRoute, j.principal, { params: { id: j.providerId }, body: {} });
  expect(r.status).toBe(200);
  return String(r.body.nonce);
};
const realSnp = () => ({ snp: { report: Buffer.from(fixture('sev-snp', 'go-sev-guest', 'attestation.bin')).toString('base64') } });

describe('proving hardware over the API (pinned roots)', () => {
  it('real SEV-SNP evidence made over another challenge: 422 with the verifier code, nothing written, the nonce still open', async () => {
    const nonce = await nonceFor(prover);
    const before = await snapshot(env);
    const r = await call(api.evidenceRoute, prover.principal, { params: { id: prover.providerId }, body: { nonce, evidence: realSnp() } });
    expect(r).toMatchObject({
      status: 422,
      contentType: expect.stringContaining('problem+json'),
      body: { code: 'evidence_refused', refused: { snp: { code: expect.any(String) } } },
    });
    expect(await snapshot(env)).toBe(before);
  });
  it.each([
    ['a nonce never issued', async () => ({ nonce: 'ab'.repeat(32), evidence: realSnp() }), 409, 'evidence_nonce_invalid'],
    [
      'development evidence (proves no hardware)',
      async () => ({ nonce: await nonceFor(prover), evidence: { development: { reportData: '00'.repeat(64) } } }),
      422,
      'evidence_refused',
    ],
    ['a malformed nonce', async () => ({ nonce: 'xyz', evidence: realSnp() }), 400, 'validation_failed'],
    ['no evidence at all', async () => ({ nonce: await nonceFor(prover), evidence: {} }), 400, 'validation_failed'],
  ] as const)('%s → %i %s, nothing written', async (_n, body, status, code) => {
    const b = await body();
    const before = await snapshot(env);
    const r = await call(api.evidenceRoute, prover.principal, { params: { id: prover.providerId }, body: b });
    expect(r).toMatchObject({ status, body: { code } });
    expect(await snapshot(env)).toBe(before);
  });
  it("another provider's id reads as unknown (404), for the nonce and the proof; a buyer is refused", async () => {
    expect((await call(api.evidenceNonceRoute, other.principal, { params: { id: prover.providerId }, body: {} })).status).toBe(404);
    expect(
      (await call(api.evidenceRoute, other.principal, { params: { id: prover.providerId }, body: { nonce: 'ab'.repeat(32), evidence: realSnp() } })).status,
    ).toBe(404);
    expect((await call(api.evidenceNonceRoute, principal('b1', 'buyer'), { params: { id: prover.providerId }, body: {} })).status).toBe(403);
  });
  it('a node not yet verified gets no nonce', async () => {
    const j = await joinedProvider(env, { verify: false });
    expect(await call(api.evidenceNonceRoute, j.principal, { params: { id: j.providerId }, body: {} })).toMatchObject({
      status: 409,
      body: { code: 'node_not_verified' },
    });
  });
});

describe('proving hardware with a test CA as the AMD root', () => {
  it('records the proof, consumes the nonce (a replay is refused), and placement gives an SEV-SNP job to that provider only', async () => {
    const genoa = await testProduct('Genoa');
    const vlek = await signingKey(genoa, 'vlek', TCB);
    const trust = { ...PINNED, amd: { ...AMD_ROOTS, Genoa: genoa.roots } };
    const attesters: Attesters = {
      verdict: (kind, ev, subject, nonce) =>
        kind === 'snp'
          ? verifySnp(
              { report: new Uint8Array(Buffer.from(ev.snp!.report, 'base64')), certificates: ev.snp!.certificates ?? [] },
              challengeFor('snp', subject, nonce),
              snpPolicy({}),
              env.clock,
              trust,
            )
          : { valid: false, code: 'malformed', error: 'only snp in this test' },
    };
    const d = composeProviders(env.rt, undefined, attesters);
    const job = { jobId: 'job_x', ownerId: 'buyer-ev', numGpus: 1, scmMinutes: 5, attesters: ['snp'] };
    const unplaced = await place(d, job);
    expect(unplaced).toMatchObject({ unplaced: expect.stringContaining('proven snp') });

    const nonce = await nonceFor(prover);
    const evidenceFor = (subject: string) => ({
      snp: {
        report: Buffer.from(
          snpReport({ signer: 'vlek', reportData: challengeFor('snp', subject, Buffer.from(nonce, 'hex')), tcb: TCB, product: 'Genoa' }, vlek.privatePem),
        ).toString('base64'),
        certificates: [vlek.pem],
      },
    });
    // Evidence made for another provider's id (or a job's) does not prove this one.
    await expect(proveEvidence(d, prover.principal, prover.providerId, { nonce, evidence: evidenceFor(other.providerId) })).rejects.toMatchObject({
      code: 'evidence_refused',
    });
    const ok = await proveEvidence(d, prover.principal, prover.providerId, { nonce, evidence: evidenceFor(prover.providerId) });
    expect(ok.proven.snp).toMatchObject({ atMs: env.clock.nowMs(), claimsDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const replay = await proveEvidence(d, prover.principal, prover.providerId, { nonce, evidence: evidenceFor(prover.providerId) }).catch((e: AppError) => e);
    expect(replay).toMatchObject({ code: 'evidence_nonce_invalid', status: 409 });

    const shown = await call(api.providerGetRoute, prover.principal, { params: { id: prover.providerId } });
    expect(shown.body.proven).toEqual({ snp: { at: expect.any(String), claimsDigest: ok.proven.snp!.claimsDigest, valid: true } });

    for (let i = 0; i < 3; i++)
      expect(await place(d, { ...job, jobId: `job_${i}` })).toMatchObject({ placed: { providerId: prover.providerId, reason: 'spot' } });
    // A job without hardware requirements may still go anywhere (the cheapest first).
    expect(await place(d, { ...job, attesters: [] })).toMatchObject({ placed: { reason: 'spot' } });
  }, 60_000);
});
