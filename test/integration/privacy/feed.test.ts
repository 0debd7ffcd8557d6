/**
 * The revocationFeed schedule on the real engines: a signed feed (Ed25519 over the canonical
 * JSON of {version, revocations}) is applied once per version; a replayed or older version, a
 * bad signature or a malformed document changes nothing; an applied entry cancels the session
 * it names and aborts its job, as POST /v1/revocations does.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as api from '../../../functions/privacy/api.ts';
import { canonicalBytes } from '../../../functions/platform/canonical-json.ts';
import { developmentEvidence } from '../../../functions/privacy/domain/development.ts';
import { pollFeed } from '../../../functions/privacy/usecases/feed.ts';
import { isRevoked } from '../../../functions/privacy/usecases/revoked.ts';
import { loadPrivacyConfig } from '../../../functions/privacy/config.ts';
import { privacyHarness, type PrivacyHarness } from './harness.ts';

let ph: PrivacyHarness;
let file: string;
let priv: KeyObject;
let pubPem: string;

beforeEach(async () => {
  const pair = generateKeyPairSync('ed25519');
  priv = pair.privateKey;
  pubPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  file = join(mkdtempSync(join(tmpdir(), 'vracu-feed-')), 'feed.json');
  ph = await privacyHarness({ config: { feed: { url: pathToFileURL(file).href, publicKeyPem: pubPem } } });
});
afterEach(async () => {
  await ph.close();
});

type Entry = { kind: 'attestation_hash' | 'session' | 'provider'; value: string; reason: string };
function publish(version: number, revocations: Entry[], key: KeyObject = priv) {
  const signature = sign(null, canonicalBytes({ version, revocations }), key).toString('base64');
  writeFileSync(file, JSON.stringify({ version, revocations, signature }));
}

describe('the revocation feed', () => {
  it('applies a newer signed version once; a replay, a rollback, a bad signature or a malformed feed change nothing', async () => {
    const { jobId, credential } = await ph.attesting();
    const nonce = (await ph.call(api.nonceRoute, { params: { id: jobId }, credential, body: {} })).body!.nonce as string;
    const hs = await ph.call(api.handshakeRoute, {
      params: { id: jobId },
      credential,
      body: { nonce, evidence: { development: developmentEvidence(jobId, Buffer.from(nonce, 'hex')) } },
    });
    expect(hs.status).toBe(200);

    publish(2, [
      { kind: 'session', value: hs.body!.sessionId, reason: 'feed' },
      { kind: 'provider', value: 'prv_bad', reason: 'feed' },
    ]);
    expect(await pollFeed(ph.p)).toEqual({ applied: true, version: 2, revoked: 2, cancelledSessions: 1 });
    expect(await ph.h.waitTerminal(jobId)).toMatchObject({ status: 'ABORTED', reason: 'revoked_session' });
    expect(await isRevoked(ph.p, 'provider', 'prv_bad')).toBe(true);

    expect(await pollFeed(ph.p)).toEqual({ applied: false, reason: 'not_newer', version: 2 });
    publish(1, [{ kind: 'provider', value: 'prv_rollback', reason: 'old' }]);
    expect(await pollFeed(ph.p)).toEqual({ applied: false, reason: 'not_newer', version: 1 });
    publish(3, [{ kind: 'provider', value: 'prv_forged', reason: 'x' }], generateKeyPairSync('ed25519').privateKey);
    expect(await pollFeed(ph.p)).toEqual({ applied: false, reason: 'bad_signature', version: 3 });
    writeFileSync(file, '{"version": 4');
    expect(await pollFeed(ph.p)).toEqual({ applied: false, reason: 'malformed' });
    for (const v of ['prv_rollback', 'prv_forged']) expect(await isRevoked(ph.p, 'provider', v)).toBe(false);
    // A forged feed did not burn its version: the real version 3 still applies.
    publish(3, [{ kind: 'provider', value: 'prv_three', reason: 'ok' }]);
    expect(await pollFeed(ph.p)).toMatchObject({ applied: true, version: 3 });
  });

  it('without a feed configured the schedule does nothing; a feed URL needs its public key', async () => {
    await ph.close();
    ph = await privacyHarness();
    expect(await pollFeed(ph.p)).toEqual({ applied: false, reason: 'no_feed' });
    expect(() => loadPrivacyConfig({ VRACU_REVOCATION_FEED_URL: 'https://feeds.example/revocations.json' }, 'dev')).toThrow(/VRACU_REVOCATION_FEED_PUBLIC_KEY/);
  });
});
