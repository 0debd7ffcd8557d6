/**
 * The split_key broker through the real handshake and DEK routes (DynamoDB Local, the jobs
 * harness): the share service on its own loopback port; the released keys are the split-key
 * derivation of the session's salt and step, and a share service that refuses leaves the job
 * ATTESTING with nothing released.
 */
import { hkdfSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { DEVELOPMENT_SEED_HEX } from '../../../functions/privacy/config.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { deriveShare } from '../../../functions/privacy/domain/share.ts';
import { SplitKeyBroker } from '../../../functions/privacy/drivers/split-key-broker.ts';
import { startShareService, type ShareService } from '../../../functions/privacy/drivers/share-service.ts';
import { StaticBroker } from '../../../functions/privacy/drivers/static-broker.ts';
import { getSession, releasesOfJob } from '../../../functions/privacy/store/sessions.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import { privacyHarness, type PrivacyHarness } from './harness.ts';

const shareKey = Buffer.alloc(32, 3);
const credential = 'split-key-test-credential-0001';
let ph: PrivacyHarness | undefined;
let svc: ShareService | undefined;
afterEach(async () => {
  await ph?.close();
  await svc?.close();
  ph = undefined;
  svc = undefined;
});

describe('split_key broker on the key routes', () => {
  it('the handshake and the next step release HKDF(primary XOR share, session salt, sessionId:step), logged as split_key', async () => {
    svc = await startShareService({ key: shareKey, credential });
    const primary = new StaticBroker(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'), Buffer.from('split-primary'));
    ph = await privacyHarness({ broker: new SplitKeyBroker(primary, { url: svc.url, credential }) });
    const { jobId, credential: jc } = await ph.attesting();
    const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential: jc, body: {} })).body!.nonce as string;
    const hs = await ph.call(api.handshakeRoute, {
      params: { id: jobId },
      credential: jc,
      body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) } },
    });
    expect(hs.status).toBe(200);
    const session = (await getSession(ph.p.sessions, hs.body!.sessionId))!;
    const expected = async (step: number) => {
      const r = { jobId, attestationHash: session.attestationHash, sessionId: session.sessionId, saltHex: session.saltHex, step };
      const p = (await primary.dataKey(r)).plaintext;
      const s = deriveShare(shareKey, r);
      return Buffer.from(
        hkdfSync('sha256', Buffer.from(p.map((x, i) => x ^ s[i]!)), Buffer.from(session.saltHex, 'hex'), `${session.sessionId}:${step}`, 32),
      ).toString('base64');
    };
    expect(hs.body!.dek).toBe(await expected(0));
    const next = await ph.call(api.dekRoute, { params: { id: jobId }, credential: jc, body: { step: 1 } });
    expect(next.status).toBe(200);
    expect(next.body!.dek).toBe(await expected(1));
    expect((await releasesOfJob(ph.p.sessions, jobId)).map((r) => [r.step, r.broker])).toEqual([
      [0, 'split_key'],
      [1, 'split_key'],
    ]);
  });

  it('a share service that refuses (wrong credential): no session, nothing released, the job still ATTESTING', async () => {
    svc = await startShareService({ key: shareKey, credential });
    const primary = new StaticBroker(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'), Buffer.from('split-primary'));
    ph = await privacyHarness({ broker: new SplitKeyBroker(primary, { url: svc.url, credential: 'wrong-credential-0000000' }) });
    const { jobId, credential: jc } = await ph.attesting();
    const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential: jc, body: {} })).body!.nonce as string;
    const hs = await ph.call(api.handshakeRoute, {
      params: { id: jobId },
      credential: jc,
      body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) } },
    });
    expect(hs.status).toBe(503);
    expect(hs.body).toMatchObject({ code: 'key_broker_unavailable', upstreamStatus: 401 });
    expect(hs.raw).not.toContain('"dek"');
    expect(await releasesOfJob(ph.p.sessions, jobId)).toEqual([]);
    expect((await getJob(ph.h.d.store, jobId))!.status).toBe('ATTESTING');
  });
});
