/**
 * Key brokers and their configuration: the static broker's HKDF derivation (bound to job,
 * attestation hash, session and step), the KMS broker's GenerateDataKey request shape as the
 * KMS API documents it (KeyId, KeySpec AES_256, EncryptionContext {jobId, attestationHash}),
 * throttling retried with backoff, and a configuration that fails fast.
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { StaticBroker } from '../../../functions/privacy/drivers/static-broker.ts';
import { KmsBroker } from '../../../functions/privacy/drivers/kms-broker.ts';
import { loadPrivacyConfig, DEVELOPMENT_SEED_HEX } from '../../../functions/privacy/config.ts';
import { jobInfo, stepInfo, type KeyRequest } from '../../../functions/privacy/domain/broker.ts';

const req: KeyRequest = {
  jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  attestationHash: `sha256:${'a'.repeat(64)}`,
  sessionId: 'ses_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  saltHex: '11'.repeat(32),
  step: 3,
};
const seed = Buffer.alloc(32, 7);
const salt = Buffer.from('salt');

describe('static broker', () => {
  const b = new StaticBroker(seed, salt);
  it('derives HKDF-SHA256(HKDF-SHA256(seed, salt, jobId:attestationHash), session salt, sessionId:step)', async () => {
    const jobKey = Buffer.from(hkdfSync('sha256', seed, salt, `${req.jobId}:${req.attestationHash}`, 32));
    const dek = Buffer.from(hkdfSync('sha256', jobKey, Buffer.from(req.saltHex, 'hex'), `${req.sessionId}:${req.step}`, 32));
    expect((await b.dataKey(req)).plaintext.equals(dek)).toBe(true);
    expect(jobInfo(req.jobId, req.attestationHash)).toBe(`${req.jobId}:${req.attestationHash}`);
    expect(stepInfo(req.sessionId, 3)).toBe(`${req.sessionId}:3`);
  });
  it.each([
    ['another step', { step: 4 }],
    ['another attestation hash', { attestationHash: `sha256:${'b'.repeat(64)}` }],
    ['another job', { jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3G' }],
    ['another session', { sessionId: 'ses_01JD3Q4W5X6Y7Z8A9B0C1D2E3G' }],
    ['another session salt', { saltHex: '22'.repeat(32) }],
  ])('%s gives another key', async (_n, change) => {
    expect((await b.dataKey({ ...req, ...change })).plaintext.equals((await b.dataKey(req)).plaintext)).toBe(false);
  });
  it('refuses a short seed', () => expect(() => new StaticBroker(Buffer.alloc(16), salt)).toThrow(/32 bytes/));
});

function fakeKms(answers: (() => unknown)[]) {
  const client = new KMSClient({ region: 'us-east-1' });
  const sent: GenerateDataKeyCommand[] = [];
  client.send = (async (cmd: GenerateDataKeyCommand) => {
    sent.push(cmd);
    const a = answers.shift()!();
    if (a instanceof Error) throw a;
    return a;
  }) as unknown as typeof client.send;
  return { client, sent };
}
const awsError = (name: string) => Object.assign(new Error(name), { name, $fault: 'client' });
const noWait = { attempts: 5, baseMs: 1, capMs: 1, random: () => 0, sleep: async () => undefined };

describe('aws_kms broker', () => {
  it('asks GenerateDataKey for an AES_256 key with EncryptionContext {jobId, attestationHash}, and copies the plaintext', async () => {
    const plain = new Uint8Array(32).fill(9);
    const { client, sent } = fakeKms([() => ({ Plaintext: plain, CiphertextBlob: new Uint8Array(64), KeyId: 'arn:aws:kms:us-east-1:1:key/k' })]);
    const key = await new KmsBroker(client, 'alias/vracu-dev-jobs', noWait).dataKey(req);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GenerateDataKeyCommand);
    expect(sent[0]!.input).toEqual({
      KeyId: 'alias/vracu-dev-jobs',
      KeySpec: 'AES_256',
      EncryptionContext: { jobId: req.jobId, attestationHash: req.attestationHash },
    });
    expect(key.plaintext).toEqual(Buffer.alloc(32, 9));
    // The SDK's buffer is wiped once copied.
    expect(plain.every((x) => x === 0)).toBe(true);
  });
  it('retries throttling, then answers', async () => {
    const { client, sent } = fakeKms([() => awsError('ThrottlingException'), () => awsError('ThrottlingException'), () => ({ Plaintext: new Uint8Array(32) })]);
    await expect(new KmsBroker(client, 'k', noWait).dataKey(req)).resolves.toBeDefined();
    expect(sent).toHaveLength(3);
  });
  it('gives up after the retries, and never retries what is not throttling', async () => {
    const throttled = fakeKms(Array.from({ length: 5 }, () => () => awsError('ThrottlingException')));
    await expect(new KmsBroker(throttled.client, 'k', noWait).dataKey(req)).rejects.toThrow('ThrottlingException');
    expect(throttled.sent).toHaveLength(5);
    const denied = fakeKms([() => awsError('AccessDeniedException')]);
    await expect(new KmsBroker(denied.client, 'k', noWait).dataKey(req)).rejects.toThrow('AccessDeniedException');
    expect(denied.sent).toHaveLength(1);
  });
  it('refuses an answer without a 32-byte plaintext', async () => {
    const { client } = fakeKms([() => ({ Plaintext: new Uint8Array(16) })]);
    await expect(new KmsBroker(client, 'k', noWait).dataKey(req)).rejects.toThrow(/32-byte/);
  });
});

describe('broker configuration fails fast', () => {
  it('an unknown broker names the known ones', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'split' }, 'dev')).toThrow(/VRACU_KEY_BROKER.*static.*aws_kms/s);
  });
  it('prod refuses the static broker, and development evidence', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'static', VRACU_KEY_BROKER_STATIC_SEED: '00'.repeat(32) }, 'prod')).toThrow(/refused on a prod stage/);
    expect(loadPrivacyConfig({ VRACU_KEY_BROKER: 'aws_kms', VRACU_KEY_BROKER_KMS_KEY_ID: 'alias/k' }, 'prod')).toMatchObject({
      broker: 'aws_kms',
      developmentEvidence: false,
    });
    expect(loadPrivacyConfig({ VRACU_KEY_BROKER: 'aws_kms', VRACU_KEY_BROKER_KMS_KEY_ID: 'alias/k' }, 'staging').developmentEvidence).toBe(true);
  });
  it('aws_kms needs its key; static needs a seed outside the local stack', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'aws_kms' }, 'dev')).toThrow(/VRACU_KEY_BROKER_KMS_KEY_ID/);
    expect(() => loadPrivacyConfig({}, 'dev')).toThrow(/VRACU_KEY_BROKER_STATIC_SEED/);
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER_STATIC_SEED: 'abc' }, 'local')).toThrow(/32 bytes/);
    expect(loadPrivacyConfig({}, 'local').staticBroker!.seed.equals(Buffer.from(DEVELOPMENT_SEED_HEX, 'hex'))).toBe(true);
  });
});
