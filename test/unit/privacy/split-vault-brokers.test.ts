/**
 * The split_key and vault_transit brokers. split_key against the real share service on a
 * loopback port: DEK = HKDF(primary XOR share, session salt, sessionId:step), neither half alone
 * gives it, a wrong credential or a malformed request is refused. vault_transit against a
 * loopback server speaking Vault's Transit API (the true outer edge), which asserts the request
 * shapes Vault documents and binds its ciphertexts to the context. And the configuration that
 * fails fast for each.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivacyConfig } from '../../../functions/privacy/config.ts';
import { brokerFor } from '../../../functions/privacy/deps.ts';
import type { Runtime } from '../../../functions/platform/runtime.ts';
import type { KeyRequest } from '../../../functions/privacy/domain/broker.ts';
import { SplitKeyBroker } from '../../../functions/privacy/drivers/split-key-broker.ts';
import { StaticBroker } from '../../../functions/privacy/drivers/static-broker.ts';
import { VaultTransitBroker } from '../../../functions/privacy/drivers/vault-transit-broker.ts';
import { deriveShare } from '../../../functions/privacy/domain/share.ts';
import { startShareService, type ShareService } from '../../../functions/privacy/drivers/share-service.ts';

const req: KeyRequest = {
  jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  attestationHash: `sha256:${'a'.repeat(64)}`,
  sessionId: 'ses_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
  saltHex: '11'.repeat(32),
  step: 2,
};
const primary = new StaticBroker(Buffer.alloc(32, 7), Buffer.from('salt'));
const shareKey = Buffer.alloc(32, 5);
const credential = 'exchange-to-share-service-credential';

describe('split_key broker with the share service', () => {
  let svc: ShareService;
  beforeAll(async () => {
    svc = await startShareService({ key: shareKey, credential });
  });
  afterAll(() => svc.close());

  it('DEK = HKDF-SHA256(primary XOR remote share, salt = session salt, info = sessionId:step)', async () => {
    const b = new SplitKeyBroker(primary, { url: svc.url, credential });
    const p = (await primary.dataKey(req)).plaintext;
    const r = deriveShare(shareKey, req);
    const combined = Buffer.from(p.map((x, i) => x ^ r[i]!));
    const expected = Buffer.from(hkdfSync('sha256', combined, Buffer.from(req.saltHex, 'hex'), `${req.sessionId}:${req.step}`, 32));
    const dek = (await b.dataKey(req)).plaintext;
    expect(dek.equals(expected)).toBe(true);
    // Neither half alone is the key.
    expect(dek.equals(p)).toBe(false);
    expect(dek.equals(r)).toBe(false);
  });

  it.each([
    ['another step', { step: 3 }],
    ['another attestation hash', { attestationHash: `sha256:${'b'.repeat(64)}` }],
    ['another session', { sessionId: 'ses_01JD3Q4W5X6Y7Z8A9B0C1D2E3G' }],
  ])('%s gives another key', async (_n, change) => {
    const b = new SplitKeyBroker(primary, { url: svc.url, credential });
    expect((await b.dataKey({ ...req, ...change })).plaintext.equals((await b.dataKey(req)).plaintext)).toBe(false);
  });

  it('another share service key gives another DEK (the share service is needed)', async () => {
    const other = await startShareService({ key: Buffer.alloc(32, 6), credential });
    try {
      const a = await new SplitKeyBroker(primary, { url: svc.url, credential }).dataKey(req);
      const b = await new SplitKeyBroker(primary, { url: other.url, credential }).dataKey(req);
      expect(a.plaintext.equals(b.plaintext)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('a wrong credential is refused (401), and nothing is derived', async () => {
    await expect(new SplitKeyBroker(primary, { url: svc.url, credential: 'not-the-credential-at-all' }).dataKey(req)).rejects.toThrow(/401: unauthenticated/);
  });

  it.each([
    ['a malformed attestation hash', { attestationHash: 'sha256:xyz' }, /attestationHash/],
    ['a negative step', { step: -1 }, /step/],
    ['a malformed job id', { jobId: 'job 1' }, /jobId/],
  ])('%s is refused by the share service (400)', async (_n, change, msg) => {
    await expect(new SplitKeyBroker(primary, { url: svc.url, credential }).dataKey({ ...req, ...change } as KeyRequest)).rejects.toThrow(msg);
  });

  it('refuses a short service key at start', async () => {
    await expect(startShareService({ key: Buffer.alloc(16), credential })).rejects.toThrow(/32 bytes/);
  });
});

/** A loopback server speaking Vault's Transit API for one derived key; it records and checks every request. */
async function vaultServer(token: string, keyName: string) {
  const master = randomBytes(32);
  const seen: { method: string; url: string; token: string | undefined; body: any }[] = [];
  const derive = (context: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(context, 'base64'), 32));
  const read = (r: IncomingMessage) =>
    new Promise<any>((ok) => {
      const c: Buffer[] = [];
      r.on('data', (x: Buffer) => c.push(x));
      r.on('end', () => ok(JSON.parse(Buffer.concat(c).toString() || '{}')));
    });
  const server: Server = createServer(async (r, res) => {
    const body = await read(r);
    seen.push({ method: r.method!, url: r.url!, token: r.headers['x-vault-token'] as string | undefined, body });
    const send = (status: number, v: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (r.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
    if (r.method !== 'POST') return send(405, { errors: ['method not allowed'] });
    // A derived key: the context is required (Vault: "missing 'context' for key derivation").
    if (typeof body.context !== 'string' || body.context === '')
      return send(400, { errors: ["missing 'context' for key derivation; the key was created using a derived key"] });
    if (r.url === `/v1/transit/datakey/plaintext/${keyName}`) {
      if (body.bits !== 256) return send(400, { errors: ['invalid bits'] });
      const dk = randomBytes(32);
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', derive(body.context), iv);
      const ct = Buffer.concat([iv, c.update(dk), c.final(), c.getAuthTag()]);
      return send(200, { data: { plaintext: dk.toString('base64'), ciphertext: `vault:v1:${ct.toString('base64')}`, key_version: 1 } });
    }
    if (r.url === `/v1/transit/decrypt/${keyName}`) {
      const raw = Buffer.from(String(body.ciphertext).replace(/^vault:v1:/, ''), 'base64');
      try {
        const d = createDecipheriv('aes-256-gcm', derive(body.context), raw.subarray(0, 12));
        d.setAuthTag(raw.subarray(raw.length - 16));
        const pt = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
        return send(200, { data: { plaintext: pt.toString('base64') } });
      } catch {
        return send(400, { errors: ['cipher: message authentication failed'] });
      }
    }
    return send(404, { errors: [] });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { addr: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('vault_transit broker against a loopback Transit server', () => {
  let v: Awaited<ReturnType<typeof vaultServer>>;
  beforeAll(async () => {
    v = await vaultServer('s.vault-token', 'vracu-jobs');
  });
  afterAll(() => v.close());
  const broker = (token = 's.vault-token') => new VaultTransitBroker({ addr: v.addr, token, mount: 'transit', key: 'vracu-jobs' });
  const context = Buffer.from(`${req.jobId}:${req.attestationHash}`).toString('base64');

  it('asks POST /v1/transit/datakey/plaintext/<key> {context: base64(jobId:attestationHash), bits: 256} with X-Vault-Token', async () => {
    v.seen.length = 0;
    const key = await broker().dataKey(req);
    expect(key.plaintext).toHaveLength(32);
    expect(key.ciphertext).toMatch(/^vault:v1:/);
    expect(v.seen).toEqual([{ method: 'POST', url: '/v1/transit/datakey/plaintext/vracu-jobs', token: 's.vault-token', body: { context, bits: 256 } }]);
    // A fresh key every step.
    expect((await broker().dataKey(req)).plaintext.equals(key.plaintext)).toBe(false);
  });

  it('decrypt: POST /v1/transit/decrypt/<key> {ciphertext, context} gives the key back; another job or attestation hash is refused', async () => {
    const key = await broker().dataKey(req);
    v.seen.length = 0;
    expect((await broker().decrypt(key.ciphertext, req.jobId, req.attestationHash)).equals(key.plaintext)).toBe(true);
    expect(v.seen[0]).toEqual({ method: 'POST', url: '/v1/transit/decrypt/vracu-jobs', token: 's.vault-token', body: { ciphertext: key.ciphertext, context } });
    await expect(broker().decrypt(key.ciphertext, req.jobId, `sha256:${'b'.repeat(64)}`)).rejects.toThrow(/400: cipher: message authentication failed/);
    await expect(broker().decrypt(key.ciphertext, 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3G', req.attestationHash)).rejects.toThrow(/400/);
  });

  it('a wrong token: Vault’s 403 surfaces, no key', async () => {
    await expect(broker('s.wrong').dataKey(req)).rejects.toThrow(/403: permission denied/);
  });

  it('a data key of the wrong size is refused', async () => {
    const short = (async () =>
      new Response(JSON.stringify({ data: { plaintext: Buffer.alloc(16).toString('base64'), ciphertext: 'vault:v1:x' } }))) as typeof fetch;
    await expect(new VaultTransitBroker({ addr: v.addr, token: 't', mount: 'transit', key: 'k' }, short).dataKey(req)).rejects.toThrow(/16-byte/);
  });
});

describe('split_key and vault_transit configuration fails fast', () => {
  const split = { VRACU_KEY_BROKER: 'split_key', VRACU_SHARE_SERVICE_URL: 'https://shares.internal', VRACU_SHARE_SERVICE_CREDENTIAL: credential };
  it('split_key needs its share service', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'split_key' }, 'local')).toThrow(/VRACU_SHARE_SERVICE_URL, VRACU_SHARE_SERVICE_CREDENTIAL/);
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'split_key', VRACU_SHARE_SERVICE_URL: 'https://s' }, 'local')).toThrow(/VRACU_SHARE_SERVICE_CREDENTIAL/);
  });
  it('split_key: static primary locally, aws_kms on prod (which needs its key; a static primary and http:// are refused there)', () => {
    expect(loadPrivacyConfig(split, 'local')).toMatchObject({
      broker: 'split_key',
      split: { primary: 'static', shareService: { url: 'https://shares.internal' } },
    });
    expect(() => loadPrivacyConfig(split, 'prod')).toThrow(/VRACU_KEY_BROKER_KMS_KEY_ID: required for the split_key broker/);
    expect(loadPrivacyConfig({ ...split, VRACU_KEY_BROKER_KMS_KEY_ID: 'alias/k' }, 'prod')).toMatchObject({
      split: { primary: 'aws_kms' },
      kms: { keyId: 'alias/k' },
    });
    expect(() => loadPrivacyConfig({ ...split, VRACU_KEY_BROKER_SPLIT_PRIMARY: 'static' }, 'prod')).toThrow(/static primary.*refused on a prod stage/);
    expect(() => loadPrivacyConfig({ ...split, VRACU_SHARE_SERVICE_URL: 'http://shares', VRACU_KEY_BROKER_KMS_KEY_ID: 'k' }, 'prod')).toThrow(/https/);
  });
  it('vault_transit needs its address, token and key, naming what is missing', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'vault_transit', VRACU_VAULT_ADDR: 'https://vault:8200' }, 'dev')).toThrow(
      /VRACU_VAULT_TOKEN, VRACU_VAULT_TRANSIT_KEY: required for the vault_transit broker/,
    );
    expect(
      loadPrivacyConfig(
        { VRACU_KEY_BROKER: 'vault_transit', VRACU_VAULT_ADDR: 'https://vault:8200', VRACU_VAULT_TOKEN: 't', VRACU_VAULT_TRANSIT_KEY: 'vracu-jobs' },
        'prod',
      ),
    ).toMatchObject({ broker: 'vault_transit', vault: { mount: 'transit', key: 'vracu-jobs' } });
  });
  it('the composition builds the configured broker at start', () => {
    const rt = {} as Runtime;
    expect(brokerFor(loadPrivacyConfig(split, 'local'), rt).name).toBe('split_key');
    const vault = { VRACU_KEY_BROKER: 'vault_transit', VRACU_VAULT_ADDR: 'https://vault:8200', VRACU_VAULT_TOKEN: 't', VRACU_VAULT_TRANSIT_KEY: 'k' };
    expect(brokerFor(loadPrivacyConfig(vault, 'dev'), rt).name).toBe('vault_transit');
  });
  it('an unknown broker names all four', () => {
    expect(() => loadPrivacyConfig({ VRACU_KEY_BROKER: 'hsm' }, 'dev')).toThrow(/static.*aws_kms.*split_key.*vault_transit/s);
  });
});
