/**
 * Every privacy route × the callers that must get nothing: no credential (401), another job's
 * credential (403), an API key instead of a credential (401), a revoked session (409); the
 * owner's view × another buyer (404) and no key (401). Each row checks that no key was
 * released (the release logs are unchanged and the answer carries no `dek`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { releasesOfJob } from '../../../functions/privacy/store/sessions.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { admin, alice, bob, privacyHarness, type PrivacyHarness } from './harness.ts';

let ph: PrivacyHarness;
/** A: attesting (its handshake not yet done); B: running with a session; R: running, then its session revoked. */
let A: { jobId: string; credential: string };
let B: { jobId: string; credential: string };
let R: { jobId: string; credential: string };

async function handshake(j: { jobId: string; credential: string }) {
  const nonce = (await ph.call(api.nonceRoute, { params: { id: j.jobId }, credential: j.credential, body: {} })).body!.nonce as string;
  const r = await ph.call(api.handshakeRoute, {
    params: { id: j.jobId },
    credential: j.credential,
    body: { nonce, evidence: { development: developmentEvidence(j.jobId, Buffer.from(nonce, 'hex')) } },
  });
  expect(r.status).toBe(200);
  return r.body!;
}

beforeAll(async () => {
  ph = await privacyHarness();
  A = await ph.attesting();
  B = await ph.attesting();
  R = await ph.attesting();
  await handshake(B);
  const r = await handshake(R);
  expect((await ph.call(api.revokeRoute, { principal: admin, body: { kind: 'session', value: r.sessionId, reason: 'test' } })).status).toBe(201);
});
afterAll(async () => {
  await ph.close();
});

const nonce = '00'.repeat(32);
const bodies: Record<string, unknown> = {
  'privacy-nonce': {},
  'privacy-handshake': { nonce, evidence: { development: { reportData: '00'.repeat(64) } } },
  'privacy-dek': { step: 1 },
  'privacy-rotation': { step: 0, certificateFingerprint: `sha256:${'0'.repeat(64)}` },
};
const sidecarRoutes = [api.nonceRoute, api.handshakeRoute, api.dekRoute, api.rotationRoute] as RouteSpec[];
const released = async () => [A, B, R].map(async (j) => (await releasesOfJob(ph.p.sessions, j.jobId)).length);

describe('sidecar routes refuse', () => {
  const cases = sidecarRoutes.flatMap((route) => [
    { route, who: 'no credential', target: () => B, credential: () => undefined, status: 401, code: 'unauthenticated' },
    { route, who: "another job's credential", target: () => B, credential: () => A.credential, status: 403, code: 'job_credential_invalid' },
    { route, who: 'a well-formed unknown credential', target: () => A, credential: () => `vj_${'Q'.repeat(43)}`, status: 403, code: 'job_credential_invalid' },
    { route, who: 'a revoked session', target: () => R, credential: () => R.credential, status: 409, code: undefined },
  ]);
  it.each(cases.map((c) => [`${c.route.id} × ${c.who}`, c] as const))('%s', async (_n, c) => {
    const before = await Promise.all(await released());
    const r = await ph.call(c.route, {
      params: { id: c.target().jobId },
      body: bodies[c.route.id],
      ...(c.credential() ? { credential: c.credential()! } : {}),
    });
    expect(r.status).toBe(c.status);
    expect(r.type).toBe('application/problem+json');
    if (c.code) expect(r.body!.code).toBe(c.code);
    expect(r.raw).not.toContain('"dek"');
    expect(await Promise.all(await released())).toEqual(before);
  });

  it.each(sidecarRoutes.map((r) => [r.id, r] as const))('%s × an API key (a buyer owning the job) without a credential → 401', async (_n, route) => {
    const r = await ph.call(route, { params: { id: B.jobId }, body: bodies[route.id], principal: alice });
    expect(r.status).toBe(401);
  });
});

describe("the owner's view", () => {
  it.each([
    ['another buyer', bob, 404],
    ['no key', undefined, 401],
  ] as const)('%s → %i', async (_n, who, status) => {
    const r = await ph.call(api.privacyGetRoute, { params: { id: B.jobId }, ...(who ? { principal: who } : {}) });
    expect(r.status).toBe(status);
  });
  it('the owner sees it, without key material, salt or token', async () => {
    const r = await ph.call(api.privacyGetRoute, { params: { id: B.jobId }, principal: alice });
    expect(r.status).toBe(200);
    expect(r.raw).not.toMatch(/"(dek|salt|saltHex|token|tokenHash|plaintext)"/);
  });
});
