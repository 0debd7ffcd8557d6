/**
 * The handshake and key release through the privacy handlers, on the real engines and the
 * local sandbox: nonce → handshake (the gate, the attestation hash, the session, the first
 * DEK) → further steps strictly increasing → rotation acknowledgements; the owner's view;
 * a refused gate ends the job FAILED attestation_failed. Keys are checked against the static
 * broker's derivation, and looked for (and not found) in captured logs and the stored records.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { StaticBroker } from '../../../functions/privacy/drivers/static-broker.ts';
import { DEVELOPMENT_SEED_HEX } from '../../../functions/privacy/config.ts';
import { sessionOfJob } from '../../../functions/privacy/store/sessions.ts';
import { consumeNonce } from '../../../functions/privacy/store/nonces.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { verifyAttestations } from '../../../functions/jobs/domain/verify.ts';
import { jobDocument } from '../../../functions/jobs/domain/job.ts';
import { jobHash } from '../../../functions/jobs/domain/attestation.ts';
import { fixture } from '../../unit/privacy/attesters/fixtures.ts';
import { alice, attestedJob, bob, privacyHarness, type PrivacyHarness } from './harness.ts';

let ph: PrivacyHarness;
beforeEach(async () => {
  ph = await privacyHarness();
});
afterEach(async () => {
  await ph.close();
});

const nonceFor = async (jobId: string, credential: string): Promise<string> => {
  const r = await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} });
  expect(r.status).toBe(200);
  return r.body!.nonce as string;
};
const devEvidence = (jobId: string, nonce: string) => ({ development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) });
const dbDump = async () =>
  JSON.stringify((await ph.h.env.ddb.send(new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: ph.p.sessions.table }))).Items);

describe('the handshake', () => {
  it('opens a session bound to the attestation hash, releases DEKs for increasing steps only, and the job runs and completes attested', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    try {
      const { jobId, credential } = await ph.attesting(attestedJob('sleep 2'));
      const nonce = await nonceFor(jobId, credential);
      const hs = await ph.call(api.handshakeRoute, { params: { id: jobId }, credential, body: { nonce, evidence: devEvidence(jobId, nonce) } });
      expect(hs.status).toBe(200);
      expect(hs.body).toMatchObject({ step: 0, attestationHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), rotation: { intervalMs: 300_000 } });
      const dek0 = Buffer.from(hs.body!.dek, 'base64');
      expect(dek0).toHaveLength(32);

      // The static broker's derivation, recomputed from the session's salt: the key is bound to job, hash, session and step.
      const session = (await sessionOfJob(ph.p.sessions, jobId))!;
      const broker = new StaticBroker(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'), Buffer.from('vracu/static-broker/v1'));
      const expected = (step: number, hash = session.attestationHash) =>
        broker.dataKey({ jobId, attestationHash: hash, sessionId: session.sessionId, saltHex: session.saltHex, step });
      expect(dek0.equals((await expected(0)).plaintext)).toBe(true);
      expect(dek0.equals((await expected(0, `sha256:${'0'.repeat(64)}`)).plaintext)).toBe(false);

      const job = (await getJob(ph.h.d.store, jobId))!;
      expect(job).toMatchObject({ status: 'RUNNING', attestationHash: hs.body!.attestationHash });
      expect(job.creation).toMatchObject({ privacyTier: 'attested', attestationHash: hs.body!.attestationHash });

      const d1 = await ph.call(api.dekRoute, { params: { id: jobId }, credential, body: { step: 1 } });
      expect(d1.status).toBe(200);
      const dek1 = Buffer.from(d1.body!.dek, 'base64');
      expect(dek1.equals((await expected(1)).plaintext)).toBe(true);
      expect(dek1.equals(dek0)).toBe(false);
      for (const step of [1, 0]) {
        const again = await ph.call(api.dekRoute, { params: { id: jobId }, credential, body: step === 0 ? { step: 0 } : { step } });
        expect(again.status).toBe(step === 0 ? 400 : 409);
        if (step === 1) expect(again.body).toMatchObject({ code: 'step_not_increasing', lastStep: 1 });
      }
      const d5 = await ph.call(api.dekRoute, { params: { id: jobId }, credential, body: { step: 5 } });
      expect(d5.status).toBe(200);

      const fp = `sha256:${'f'.repeat(64)}`;
      expect((await ph.call(api.rotationRoute, { params: { id: jobId }, credential, body: { step: 6, certificateFingerprint: fp } })).body).toMatchObject({
        code: 'step_not_released',
      });
      expect((await ph.call(api.rotationRoute, { params: { id: jobId }, credential, body: { step: 5, certificateFingerprint: fp } })).body).toEqual({
        sessionId: session.sessionId,
        acknowledged: 5,
      });
      expect((await ph.call(api.rotationRoute, { params: { id: jobId }, credential, body: { step: 1, certificateFingerprint: fp } })).body).toMatchObject({
        code: 'step_already_acknowledged',
      });

      // A second handshake: the job is RUNNING, the handshake happened once.
      expect((await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} })).body).toMatchObject({ code: 'job_not_attesting' });

      const view = await ph.call(api.privacyGetRoute, { params: { id: jobId }, principal: alice });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        tier: 'attested',
        requiredAttesters: ['development'],
        attestationHash: hs.body!.attestationHash,
        claims: { 'development.development': true, 'development.hardware': 'none' },
        session: { sessionId: session.sessionId, state: 'open', lastStep: 5, acknowledgedStep: 5, broker: 'static' },
      });
      expect(view.body!.releases.map((r: { step: number }) => r.step)).toEqual([0, 1, 5]);
      expect(view.body!.releases.every((r: { attestationHash: string }) => r.attestationHash === hs.body!.attestationHash)).toBe(true);
      expect((await ph.call(api.privacyGetRoute, { params: { id: jobId }, principal: bob })).status).toBe(404);

      const ended = await ph.h.waitTerminal(jobId);
      expect(ended.status).toBe('COMPLETED');
      expect(ph.h.jobEvents(jobId).map((e) => e.detail.to)).toEqual(['PENDING', 'PROFILING', 'ALLOCATING', 'LAUNCHING', 'ATTESTING', 'RUNNING', 'COMPLETED']);
      const agent = ph.h.agents.find((a) => a.name === ended.agentId)!;
      expect(
        verifyAttestations({
          creation: ended.creation,
          deletion: ended.deletion,
          publicKeyHex: agent.publicKey,
          expected: { jobId, jobHash: jobHash(jobDocument(ended)), containerId: ended.containerId!, attestationHash: hs.body!.attestationHash },
        }),
      ).toMatchObject({ ok: true });
      // Every release came after the creation attestation, and before the deletion.
      const created = Date.parse(ended.creation!.createdAt);
      const destroyed = Date.parse(ended.deletion!.destroyedAt);
      for (const r of view.body!.releases as { at: string }[]) expect(Date.parse(r.at) >= created && Date.parse(r.at) <= destroyed).toBe(true);
      expect((await ph.call(api.privacyGetRoute, { params: { id: jobId }, principal: alice })).body!.session.state).toBe('closed');
      // The credential died with the job.
      expect((await ph.call(api.dekRoute, { params: { id: jobId }, credential, body: { step: 9 } })).body).toMatchObject({ code: 'job_credential_expired' });

      // Key material is never logged or stored.
      const keys = [dek0, dek1, Buffer.from(d5.body!.dek, 'base64')].flatMap((k) => [k.toString('base64'), k.toString('hex')]);
      const logged = out.join('');
      const stored = (await dbDump()) + JSON.stringify(await getJob(ph.h.d.store, jobId));
      for (const k of keys) {
        expect(logged).not.toContain(k);
        expect(stored).not.toContain(k);
      }
      expect(stored).not.toContain(credential);
      expect(stored).not.toContain(hs.body!.token);
    } finally {
      spy.mockRestore();
    }
  });

  it('a nonce serves once; one of another job is refused; nothing is released', async () => {
    const a = await ph.attesting();
    const b = await ph.attesting();
    const nonceB = await nonceFor(b.jobId, b.credential);
    // B's nonce with A's credential: refused, and B's nonce is still usable by B.
    expect(
      (
        await ph.call(api.handshakeRoute, {
          params: { id: a.jobId },
          credential: a.credential,
          body: { nonce: nonceB, evidence: devEvidence(a.jobId, nonceB) },
        })
      ).body,
    ).toMatchObject({
      code: 'nonce_invalid',
    });
    const ok = await ph.call(api.handshakeRoute, {
      params: { id: b.jobId },
      credential: b.credential,
      body: { nonce: nonceB, evidence: devEvidence(b.jobId, nonceB) },
    });
    expect(ok.status).toBe(200);
    // Replayed: the nonce is gone (and B is RUNNING anyway).
    const nonceA = await nonceFor(a.jobId, a.credential);
    const first = await ph.call(api.handshakeRoute, {
      params: { id: a.jobId },
      credential: a.credential,
      body: { nonce: nonceA, evidence: devEvidence(a.jobId, nonceA) },
    });
    expect(first.status).toBe(200);
    const replay = await ph.call(api.handshakeRoute, {
      params: { id: a.jobId },
      credential: a.credential,
      body: { nonce: nonceA, evidence: devEvidence(a.jobId, nonceA) },
    });
    expect(replay.status).toBe(409);
    // The nonce itself is spent, whatever the job's state.
    expect(await consumeNonce(ph.p.sessions, nonceA, a.jobId, ph.h.env.clock.nowMs())).toBe(false);
    expect((await ph.call(api.privacyGetRoute, { params: { id: a.jobId }, principal: alice })).body!.releases).toHaveLength(1);
  });

  it.each([
    ['evidence bound to another job', 'development', (jobId: string, nonce: string) => devEvidence(`${jobId}X`, nonce), 'attester_refused', 'nonce_mismatch'],
    ['no evidence for a required attester', 'snp', (jobId: string, nonce: string) => devEvidence(jobId, nonce), 'evidence_missing', undefined],
    [
      'real SEV-SNP evidence carrying another challenge',
      'snp',
      () => ({ snp: { report: Buffer.from(fixture('sev-snp', 'go-sev-guest', 'attestation.bin')).toString('base64') } }),
      'attester_refused',
      expect.any(String),
    ],
  ] as const)('%s: the gate refuses, the job ends FAILED attestation_failed, no key', async (_n, attester, evidence, reason, attesterCode) => {
    const { jobId, credential } = await ph.attesting(attestedJob('sleep 20', [attester]));
    const nonce = await nonceFor(jobId, credential);
    const r = await ph.call(api.handshakeRoute, { params: { id: jobId }, credential, body: { nonce, evidence: evidence(jobId, nonce) } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'attestation_failed', reason, attester, ...(attesterCode ? { attesterCode } : {}) });
    expect(r.raw).not.toContain('"dek"');
    const job = await ph.h.waitTerminal(jobId);
    expect(job).toMatchObject({ status: 'FAILED', reason: 'attestation_failed' });
    expect(job.deletion).toMatchObject({ privacyTier: 'attested' });
    expect(await sessionOfJob(ph.p.sessions, jobId)).toBeNull();
  });
});

describe('a prod stage', () => {
  it('refuses development evidence at the gate', async () => {
    await ph.close();
    ph = await privacyHarness({ config: { developmentEvidence: false } });
    const { jobId, credential } = await ph.attesting();
    const nonce = await nonceFor(jobId, credential);
    const r = await ph.call(api.handshakeRoute, { params: { id: jobId }, credential, body: { nonce, evidence: devEvidence(jobId, nonce) } });
    expect(r.body).toMatchObject({ code: 'attestation_failed', reason: 'development_refused' });
    expect((await ph.h.waitTerminal(jobId)).reason).toBe('attestation_failed');
  });
});
