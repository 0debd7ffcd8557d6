/**
 * A small KMS-compatible service on the loopback interface, for the local stack and tests
 * (no KMS engine runs on this machine): the awsJson1.1 protocol the real SDK speaks
 * (`POST /`, `X-Amz-Target: TrentService.<Operation>`), so the `aws_kms` broker's real code
 * path runs against it with `endpoint` overridden.
 *
 * Operations: GenerateDataKey (AES_256 or NumberOfBytes) and Decrypt; and, for asymmetric
 * signing keys made by CreateKey (ECC_SECG_P256K1 or ECC_NIST_P256, SIGN_VERIFY), GetPublicKey
 * (DER SubjectPublicKeyInfo) and Sign (ECDSA_SHA_256, MessageType RAW or DIGEST; the DER
 * signature, with the s ECDSA gives, high or low, as KMS does). A signing key's scalar is
 * derived from the master secret and its ARN. A ciphertext is
 *   0x01 ‖ u16be(len(keyId)) ‖ keyId ‖ iv (12) ‖ tag (16) ‖ AES-256-GCM(master(keyId), dataKey, AAD = keyId ‖ 0x00 ‖ canonical(context))
 * so Decrypt with another encryption context (or key) fails with InvalidCiphertextException,
 * as AWS does. Limits (docs/privacy.md): no SigV4 check (it listens on 127.0.0.1 only), no key
 * policies or grants, keys are any KeyId the caller names (an unknown one is created), the
 * master secret lives in memory (a restart makes old ciphertexts undecryptable, and forgets
 * which signing keys exist).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalize } from '../../functions/platform/canonical-json.ts';

export interface LoopbackKms {
  url: string;
  /** Operations served, in order (tests assert request shapes with it). */
  requests: { target: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type SigningSpec = 'ECC_SECG_P256K1' | 'ECC_NIST_P256';
/** The DER SubjectPublicKeyInfo up to the uncompressed point (id-ecPublicKey with the curve's OID). */
const SPKI_PREFIX: Record<SigningSpec, Buffer> = {
  ECC_SECG_P256K1: Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex'),
  ECC_NIST_P256: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
};

const arnOf = (keyId: string) =>
  keyId.startsWith('arn:') ? keyId : `arn:aws:kms:us-east-1:000000000000:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;

export async function startLoopbackKms(opts: { port?: number; secret?: Uint8Array } = {}): Promise<LoopbackKms> {
  const secret = opts.secret ?? randomBytes(32);
  const master = (keyId: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), Buffer.from(`vracu/loopback-kms/${arnOf(keyId)}`), 32));
  const aad = (keyId: string, ctx: unknown) => Buffer.concat([Buffer.from(arnOf(keyId)), Buffer.of(0), Buffer.from(canonicalize(ctx ?? {}))]);
  const requests: LoopbackKms['requests'] = [];
  // Asymmetric signing keys: spec by ARN; the scalar is derived, never stored.
  const signingKeys = new Map<string, SigningSpec>();

  const context = (v: unknown): Record<string, string> => {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string'))
      throw new KmsError('ValidationException', 'EncryptionContext must map strings to strings');
    return v as Record<string, string>;
  };

  function generateDataKey(b: Record<string, unknown>) {
    if (typeof b.KeyId !== 'string' || !b.KeyId) throw new KmsError('ValidationException', 'KeyId is required');
    if (signingKeys.has(arnOf(b.KeyId))) throw new KmsError('InvalidKeyUsageException', `${arnOf(b.KeyId)} is a signing key`);
    const n = b.KeySpec === 'AES_256' ? 32 : b.KeySpec === 'AES_128' ? 16 : typeof b.NumberOfBytes === 'number' ? b.NumberOfBytes : 0;
    if (!(n >= 1 && n <= 1024)) throw new KmsError('ValidationException', 'give KeySpec (AES_256, AES_128) or NumberOfBytes (1-1024)');
    const ctx = context(b.EncryptionContext);
    const plaintext = randomBytes(n);
    const iv = randomBytes(12);
    const key = master(b.KeyId);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(aad(b.KeyId, ctx));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    const id = Buffer.from(arnOf(b.KeyId));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(id.length);
    const blob = Buffer.concat([Buffer.of(1), len, id, iv, c.getAuthTag(), ct]);
    const out = { CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: arnOf(b.KeyId) };
    plaintext.fill(0);
    key.fill(0);
    return out;
  }

  function decrypt(b: Record<string, unknown>) {
    if (typeof b.CiphertextBlob !== 'string') throw new KmsError('ValidationException', 'CiphertextBlob is required');
    const blob = Buffer.from(b.CiphertextBlob, 'base64');
    const bad = () => new KmsError('InvalidCiphertextException', 'the ciphertext, its key or its encryption context is not the one it was made with');
    if (blob.length < 3 || blob[0] !== 1) throw bad();
    const idLen = blob.readUInt16BE(1);
    const keyArn = blob.subarray(3, 3 + idLen).toString();
    if (typeof b.KeyId === 'string' && arnOf(b.KeyId) !== keyArn) throw new KmsError('IncorrectKeyException', 'the ciphertext was made under another key');
    const rest = blob.subarray(3 + idLen);
    if (rest.length < 28) throw bad();
    const key = master(keyArn);
    try {
      const d = createDecipheriv('aes-256-gcm', key, rest.subarray(0, 12));
      d.setAAD(aad(keyArn, context(b.EncryptionContext)));
      d.setAuthTag(rest.subarray(12, 28));
      const plain = Buffer.concat([d.update(rest.subarray(28)), d.final()]);
      const out = { Plaintext: plain.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      plain.fill(0);
      return out;
    } catch (e) {
      if (e instanceof KmsError) throw e;
      throw bad();
    } finally {
      key.fill(0);
    }
  }

  let keySerial = 0;
  const curveOf = (spec: SigningSpec) => (spec === 'ECC_SECG_P256K1' ? secp256k1 : p256);
  const scalarOf = (arn: string, spec: SigningSpec): Uint8Array => {
    const n = curveOf(spec).Point.CURVE().n;
    const wide = hkdfSync('sha256', secret, Buffer.alloc(0), Buffer.from(`vracu/loopback-kms/sign/${arn}`), 48);
    const d = (BigInt(`0x${Buffer.from(wide).toString('hex')}`) % (n - 1n)) + 1n;
    return Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  };
  const signingKey = (b: Record<string, unknown>): { arn: string; spec: SigningSpec } => {
    if (typeof b.KeyId !== 'string' || !b.KeyId) throw new KmsError('ValidationException', 'KeyId is required');
    const arn = arnOf(b.KeyId);
    const spec = signingKeys.get(arn);
    if (!spec) throw new KmsError('NotFoundException', `no signing key ${arn} (make one with CreateKey)`);
    return { arn, spec };
  };

  function createKey(b: Record<string, unknown>) {
    const spec = b.KeySpec;
    if (spec !== 'ECC_SECG_P256K1' && spec !== 'ECC_NIST_P256')
      throw new KmsError('ValidationException', 'served here: KeySpec ECC_SECG_P256K1 or ECC_NIST_P256');
    if (b.KeyUsage !== 'SIGN_VERIFY') throw new KmsError('ValidationException', 'an ECC key needs KeyUsage SIGN_VERIFY');
    const keyId = `loopback-sign-${++keySerial}-${randomBytes(4).toString('hex')}`;
    const arn = arnOf(keyId);
    signingKeys.set(arn, spec);
    return { KeyMetadata: { KeyId: keyId, Arn: arn, KeySpec: spec, KeyUsage: 'SIGN_VERIFY', KeyState: 'Enabled', SigningAlgorithms: ['ECDSA_SHA_256'] } };
  }

  function getPublicKey(b: Record<string, unknown>) {
    const { arn, spec } = signingKey(b);
    const point = curveOf(spec).getPublicKey(scalarOf(arn, spec), false);
    const spki = Buffer.concat([SPKI_PREFIX[spec], point]);
    return { KeyId: arn, KeySpec: spec, KeyUsage: 'SIGN_VERIFY', PublicKey: spki.toString('base64'), SigningAlgorithms: ['ECDSA_SHA_256'] };
  }

  function signMessage(b: Record<string, unknown>) {
    const { arn, spec } = signingKey(b);
    if (b.SigningAlgorithm !== 'ECDSA_SHA_256') throw new KmsError('InvalidKeyUsageException', `${arn} signs with ECDSA_SHA_256 only`);
    if (typeof b.Message !== 'string') throw new KmsError('ValidationException', 'Message is required');
    const message = Buffer.from(b.Message, 'base64');
    const type = b.MessageType ?? 'RAW';
    if (type === 'DIGEST' && message.length !== 32) throw new KmsError('ValidationException', 'a DIGEST message of ECDSA_SHA_256 is 32 bytes');
    if (type === 'RAW' && (message.length < 1 || message.length > 4096)) throw new KmsError('ValidationException', 'a RAW message is 1 to 4,096 bytes');
    if (type !== 'RAW' && type !== 'DIGEST') throw new KmsError('ValidationException', 'MessageType is RAW or DIGEST');
    const digest = type === 'DIGEST' ? message : sha256(message);
    const der = curveOf(spec).sign(digest, scalarOf(arn, spec), { prehash: false, lowS: false, format: 'der' });
    return { KeyId: arn, Signature: Buffer.from(der).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' };
  }

  const ops: Record<string, (b: Record<string, unknown>) => unknown> = {
    GenerateDataKey: generateDataKey,
    Decrypt: decrypt,
    CreateKey: createKey,
    GetPublicKey: getPublicKey,
    Sign: signMessage,
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('TrentService.') ? ops[target.slice('TrentService.'.length)] : undefined;
      if (req.method !== 'POST' || !op)
        return answer(400, { __type: 'UnsupportedOperationException', message: `not served here: ${target || '(no X-Amz-Target)'}` });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'the body is not JSON' });
      }
      requests.push({ target, body });
      try {
        answer(200, op(body));
      } catch (e) {
        if (e instanceof KmsError) return answer(400, { __type: e.type, message: e.message });
        answer(500, { __type: 'KMSInternalException', message: 'internal error' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
