/**
 * Revocation: POST /v1/revocations (admin) writes the registry and the invalidation pipeline
 * cancels every affected session, refuses further keys and aborts the job `revoked_session`,
 * its container stopped and the deletion attestation recording it. The key routes also read
 * the registry themselves, so a revocation the pipeline never saw still refuses keys.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { putRevocation } from '../../../functions/privacy/store/revocations.ts';
import { getSession, releasesOfJob } from '../../../functions/privacy/store/sessions.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { isRevoked } from '../../../functions/privacy/usecases/revoked.ts';
import { admin, alice, privacyHarness, type PrivacyHarness } from './harness.ts';

let ph: PrivacyHarness;
beforeEach(async () => {
  ph = await privacyHarness();
});
afterEach(async () => {
  await ph.close();
});

async function running(): Promise<{ jobId: string; credential: string; sessionId: string; attestationHash: string }> {
  const { jobId, credential } = await ph.attesting();
  const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} })).body!.nonce as string;
  const hs = await ph.call(api.handshakeRoute, {
    params: { id: jobId },
    credential,
    body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) } },
  });
  expect(hs.status).toBe(200);
  return { jobId, credential, sessionId: hs.body!.sessionId, attestationHash: hs.body!.attestationHash };
}

describe('POST /v1/revocations', () => {
  it.each(['attestation_hash', 'session'] as const)('of the %s: the session is cancelled, no further key, the job ABORTED revoked_session', async (kind) => {
    const j = await running();
    const other = await running();
    const value = kind === 'session' ? j.sessionId : j.attestationHash;
    const r = await ph.call(api.revokeRoute, { principal: admin, body: { kind, value, reason: 'TCB found vulnerable' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created: true, cancelledSessions: [j.sessionId], abortedJobs: [j.jobId], revocation: { kind, value, by: admin.id } });
    // At once, before the container has even stopped: nothing more is released.
    const refused = await ph.call(api.dekRoute, { params: { id: j.jobId }, credential: j.credential, body: { step: 1 } });
    expect(refused.status).toBe(409);
    expect(refused.raw).not.toContain('"dek"');
    const job = await ph.h.waitTerminal(j.jobId);
    expect(job).toMatchObject({ status: 'ABORTED', reason: 'revoked_session' });
    expect(job.deletion).toMatchObject({ privacyTier: 'attested', attestationHash: j.attestationHash, stopReason: expect.stringContaining('revoked_session') });
    expect((await releasesOfJob(ph.p.sessions, j.jobId)).map((x) => x.step)).toEqual([0]);
    const view = await ph.call(api.privacyGetRoute, { params: { id: j.jobId }, principal: alice });
    expect(view.body!.session).toMatchObject({ state: 'cancelled', cancelReason: `revoked ${kind}` });
    // The other job is untouched.
    expect((await ph.call(api.dekRoute, { params: { id: other.jobId }, credential: other.credential, body: { step: 1 } })).status).toBe(200);
    // Revoking again keeps the first entry and cancels nothing more.
    const again = await ph.call(api.revokeRoute, { principal: admin, body: { kind, value, reason: 'again' } });
    expect(again.body).toMatchObject({ created: false, cancelledSessions: [], revocation: { reason: 'TCB found vulnerable' } });
  });

  it('a revocation the pipeline never ran on still refuses keys, and aborts the job', async () => {
    const j = await running();
    await putRevocation(ph.p.revocations, { kind: 'session', value: j.sessionId, reason: 'feed', revokedAtMs: ph.h.env.clock.nowMs(), by: 'feed' });
    const r = await ph.call(api.rotationRoute, {
      params: { id: j.jobId },
      credential: j.credential,
      body: { step: 0, certificateFingerprint: `sha256:${'0'.repeat(64)}` },
    });
    expect(r.body).toMatchObject({ code: 'session_not_open', revoked: 'session' });
    expect(await ph.h.waitTerminal(j.jobId)).toMatchObject({ status: 'ABORTED', reason: 'revoked_session' });
  });

  it('of a provider: recorded for placement, its running sessions closed (stored), the next DEK refused, the job ABORTED revoked_session', async () => {
    const j = await running();
    const providerId = (await getJob(ph.h.d.store, j.jobId))!.providerId!;
    expect(providerId).toBeTruthy();
    const r = await ph.call(api.revokeRoute, { principal: admin, body: { kind: 'provider', value: providerId, reason: 'fraud' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created: true, cancelledSessions: [j.sessionId], abortedJobs: [j.jobId] });
    expect(await isRevoked(ph.p, 'provider', providerId)).toBe(true);
    expect(await isRevoked(ph.p, 'provider', 'prv_other')).toBe(false);
    // The closed state is stored, not only decided.
    expect(await getSession(ph.p.sessions, j.sessionId)).toMatchObject({ state: 'cancelled', cancelReason: 'revoked provider', providerId });
    const refused = await ph.call(api.dekRoute, { params: { id: j.jobId }, credential: j.credential, body: { step: 1 } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'session_not_open' });
    expect(refused.raw).not.toContain('"dek"');
    expect(await ph.h.waitTerminal(j.jobId)).toMatchObject({ status: 'ABORTED', reason: 'revoked_session' });
    expect((await releasesOfJob(ph.p.sessions, j.jobId)).map((x) => x.step)).toEqual([0]);
  });

  it('a provider revoked by the registry alone (the pipeline never ran): the key routes refuse and abort', async () => {
    const j = await running();
    const providerId = (await getJob(ph.h.d.store, j.jobId))!.providerId!;
    await putRevocation(ph.p.revocations, { kind: 'provider', value: providerId, reason: 'feed', revokedAtMs: ph.h.env.clock.nowMs(), by: 'feed' });
    const r = await ph.call(api.dekRoute, { params: { id: j.jobId }, credential: j.credential, body: { step: 1 } });
    expect(r.body).toMatchObject({ code: 'session_not_open', revoked: 'provider' });
    expect(await getSession(ph.p.sessions, j.sessionId)).toMatchObject({ state: 'cancelled' });
    expect(await ph.h.waitTerminal(j.jobId)).toMatchObject({ status: 'ABORTED', reason: 'revoked_session' });
  });

  it.each([
    ['a buyer', alice, { kind: 'provider', value: 'p', reason: 'r' }, 403, 'forbidden'],
    ['no key', undefined, { kind: 'provider', value: 'p', reason: 'r' }, 401, 'unauthenticated'],
    ['an unknown kind', admin, { kind: 'agent', value: 'p', reason: 'r' }, 400, 'validation_failed'],
    ['a malformed hash', admin, { kind: 'attestation_hash', value: 'sha256:xyz', reason: 'r' }, 400, 'validation_failed'],
    ['no reason', admin, { kind: 'provider', value: 'p' }, 400, 'validation_failed'],
  ] as const)('%s: refused, nothing recorded', async (_n, who, body, status, code) => {
    const r = await ph.call(api.revokeRoute, { ...(who ? { principal: who } : {}), body });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ code });
    expect(await isRevoked(ph.p, 'provider', 'p')).toBe(false);
  });
});
