/**
 * TDX cases no public vector covers, on quotes a test CA makes in Intel's DCAP v4 format: a
 * P-256 attestation key signing header + TD report, a QE report binding it (REPORT_DATA =
 * SHA-256(key ‖ auth data)), signed by a PCK certificate under a test "Intel SGX Root CA"
 * (PCK → PCK Platform/Processor CA → root), and test CRLs. Covers a debug TD, a revoked PCK,
 * CRLs signed by the wrong key or out of date, and a QE report that binds another key.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, createPrivateKey, sign as signData, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTdx } from '../../../../functions/privacy/attesters/tdx/verify.ts';
import { tdxPolicy, type TdxPolicyInput } from '../../../../functions/privacy/attesters/domain/tdx/policy.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import { PINNED, type TrustAnchors } from '../../../../functions/privacy/attesters/roots/trust.ts';
import { at } from './fixtures.ts';

const subtle = webcrypto.subtle;
type Pair = webcrypto.CryptoKeyPair;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const NOW = at('2026-06-01T00:00:00Z');
const reportData = new Uint8Array(64).fill(0x42);
const NB = new Date('2024-01-01T00:00:00Z');
const NA = new Date('2040-01-01T00:00:00Z');

interface Pki {
  root: x509.X509Certificate;
  rootKeys: Pair;
  ca: x509.X509Certificate;
  caKeys: Pair;
  pckPem: string;
  pckKeyPem: string;
  /** The test "Intel SGX TCB Signing" certificate and key that sign TCB info and QE identity. */
  tcbSigningPem: string;
  tcbSigningKeyPem: string;
  trust: TrustAnchors;
}

const gen = async () => (await subtle.generateKey(EC, true, ['sign', 'verify'])) as Pair;
const pkcs8Pem = async (k: Pair) =>
  `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await subtle.exportKey('pkcs8', k.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;

async function pki(caCn = 'Intel SGX PCK Platform CA'): Promise<Pki> {
  const rootKeys = await gen();
  const caKeys = await gen();
  const pckKeys = await gen();
  const caExt = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Intel SGX Root CA, O=Test',
    keys: rootKeys,
    signingAlgorithm: SIGN,
    notBefore: NB,
    notAfter: NA,
    extensions: caExt,
  });
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${caCn}, O=Test`,
    issuer: root.subject,
    publicKey: caKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: SIGN,
    notBefore: NB,
    notAfter: NA,
    extensions: caExt,
  });
  const pck = await x509.X509CertificateGenerator.create({
    serialNumber: '7e57',
    subject: 'CN=Intel SGX PCK Certificate, O=Test',
    issuer: ca.subject,
    publicKey: pckKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGN,
    notBefore: NB,
    notAfter: NA,
  });
  const tcbKeys = await gen();
  const tcbSigning = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: 'CN=Intel SGX TCB Signing, O=Test',
    issuer: root.subject,
    publicKey: tcbKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: SIGN,
    notBefore: NB,
    notAfter: NA,
  });
  const rootPem = root.toString('pem');
  return {
    tcbSigningPem: tcbSigning.toString('pem'),
    tcbSigningKeyPem: await pkcs8Pem(tcbKeys),
    root,
    rootKeys,
    ca,
    caKeys,
    pckPem: [pck.toString('pem'), ca.toString('pem'), rootPem].join('\n'),
    pckKeyPem: await pkcs8Pem(pckKeys),
    trust: {
      ...PINNED,
      intel: { name: 'Intel SGX Root CA', pem: rootPem, sha256: createHash('sha256').update(new X509Certificate(rootPem).raw).digest('hex') },
    },
  };
}

const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

/** A DCAP v4 TDX quote. `bindKey` lets a test make the QE report vouch for another attestation key. */
async function quote(p: Pki, o: { tdAttributes?: Buffer; bindKey?: Buffer; mrSignerSeam?: Buffer } = {}): Promise<Uint8Array> {
  const ak = await gen();
  const jwk = (await subtle.exportKey('jwk', ak.publicKey)) as { x: string; y: string };
  const akRaw = Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  const header = Buffer.concat([u16(4), u16(2), u32(0x81), Buffer.alloc(4), Buffer.alloc(16, 0x93), Buffer.alloc(20)]);
  const td = Buffer.alloc(584);
  td.fill(0x11, 16, 64); // MRSEAM
  if (o.mrSignerSeam) o.mrSignerSeam.copy(td, 64); // MRSIGNERSEAM
  (o.tdAttributes ?? Buffer.from([0, 0, 0, 0x10, 0, 0, 0, 0])).copy(td, 120); // SEPT_VE_DISABLE
  td.fill(0x22, 136, 184); // MRTD
  Buffer.from(reportData).copy(td, 520);
  const signed = Buffer.concat([header, td]);
  const sig = signData('sha256', signed, { key: createPrivateKey(await pkcs8Pem(ak)), dsaEncoding: 'ieee-p1363' });
  const authData = Buffer.alloc(32, 0x5a);
  const qe = Buffer.alloc(384);
  createHash('sha256')
    .update(o.bindKey ?? akRaw)
    .update(authData)
    .digest()
    .copy(qe, 320);
  const qeSig = signData('sha256', qe, { key: createPrivateKey(p.pckKeyPem), dsaEncoding: 'ieee-p1363' });
  const pem = Buffer.from(p.pckPem);
  const certData = Buffer.concat([qe, qeSig, u16(authData.length), authData, u16(5), u32(pem.length), pem]);
  const sigData = Buffer.concat([sig, akRaw, u16(6), u32(certData.length), certData]);
  return new Uint8Array(Buffer.concat([signed, u32(sigData.length), sigData]));
}

async function crl(p: Pki, issuer: 'ca' | 'root', serials: string[], thisUpdate: string, nextUpdate: string, keys?: Pair): Promise<string> {
  const signer = keys ?? (issuer === 'ca' ? p.caKeys : p.rootKeys);
  const c = await x509.X509CrlGenerator.create({
    issuer: (issuer === 'ca' ? p.ca : p.root).subject,
    thisUpdate: new Date(thisUpdate),
    nextUpdate: new Date(nextUpdate),
    entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(thisUpdate) })),
    signingKey: signer.privateKey,
    signingAlgorithm: SIGN,
  });
  return Buffer.from(c.rawData).toString('hex');
}

/**
 * Collateral with the test's CRLs, and TCB info and QE identity signed by the test TCB signing
 * key (so dcap-qvl gets as far as the PCK chain and its CRLs; the test PCK certificate carries no
 * SGX extensions, so no TCB level is ever matched: these quotes never reach a TCB status).
 */
async function collateral(p: Pki, pckCrl: string, rootCrl?: string): Promise<TdxCollateral> {
  const chain = [p.ca.toString('pem'), p.root.toString('pem')].join('\n');
  const tcbChain = [p.tcbSigningPem, p.root.toString('pem')].join('\n');
  const tcbInfo =
    '{"id":"TDX","version":3,"issueDate":"2026-05-01T00:00:00Z","nextUpdate":"2026-07-01T00:00:00Z","fmspc":"000000000000","pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":1,"tcbLevels":[]}';
  const qeIdentity =
    '{"id":"TD_QE","version":2,"issueDate":"2026-05-01T00:00:00Z","nextUpdate":"2026-07-01T00:00:00Z","tcbEvaluationDataNumber":1,"miscselect":"00000000","miscselectMask":"00000000","attributes":"00000000000000000000000000000000","attributesMask":"00000000000000000000000000000000","mrsigner":"0000000000000000000000000000000000000000000000000000000000000000","isvprodid":0,"tcbLevels":[{"tcb":{"isvsvn":0},"tcbDate":"2026-01-01T00:00:00Z","tcbStatus":"UpToDate"}]}';
  const sig = (text: string) => signData('sha256', Buffer.from(text), { key: createPrivateKey(p.tcbSigningKeyPem), dsaEncoding: 'ieee-p1363' }).toString('hex');
  return {
    pck_crl_issuer_chain: chain,
    root_ca_crl: rootCrl ?? (await crl(p, 'root', [], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z')),
    pck_crl: pckCrl,
    tcb_info_issuer_chain: tcbChain,
    tcb_info: tcbInfo,
    tcb_info_signature: sig(tcbInfo),
    qe_identity_issuer_chain: tcbChain,
    qe_identity: qeIdentity,
    qe_identity_signature: sig(qeIdentity),
  };
}

let platform: Pki;
let processor: Pki;
let good: Uint8Array;
beforeAll(async () => {
  platform = await pki();
  processor = await pki('Intel SGX PCK Processor CA');
  good = await quote(platform);
}, 60_000);

const run = (q: Uint8Array, p: Pki, c?: TdxCollateral, policy: TdxPolicyInput = { requireCollateral: false }) =>
  verifyTdx({ quote: q, ...(c ? { collateral: c } : {}) }, reportData, tdxPolicy(policy), NOW, p.trust);

describe('TDX with a test CA', () => {
  it('a quote under the test root, no collateral: signatures, binding and chain valid', () => {
    expect(run(good, platform)).toMatchObject({ valid: true, claims: { tcbStatus: 'not_evaluated', mrTd: '22'.repeat(48) } });
  });

  it('a Processor CA chain is accepted too', async () => {
    expect(run(await quote(processor), processor).valid).toBe(true);
  });

  it('the test quote under the pinned Intel root: chain_untrusted', () => {
    expect(verifyTdx({ quote: good }, reportData, tdxPolicy({ requireCollateral: false }), NOW)).toMatchObject({ valid: false, code: 'chain_untrusted' });
  });

  it('valid, current, empty CRLs and signed TCB info: past revocation, the TCB level cannot be matched (a test PCK has no SGX extensions)', async () => {
    const c = await collateral(platform, await crl(platform, 'ca', [], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'));
    const v = run(good, platform, c, {});
    expect(v).toMatchObject({ valid: false, code: 'malformed' });
    if (!v.valid) expect(v.error).toMatch(/^collateral: /);
  });

  it('TCB info whose signature is not the TCB signing key’s: chain_untrusted', async () => {
    const c = await collateral(platform, await crl(platform, 'ca', [], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'));
    expect(run(good, platform, { ...c, tcb_info_signature: '11'.repeat(64) }, {})).toMatchObject({ valid: false, code: 'chain_untrusted' });
  });

  const rows: [string, () => Promise<{ q: Uint8Array; p?: Pki; c?: TdxCollateral; policy?: TdxPolicyInput }>, string][] = [
    ['a debug TD (TUD.DEBUG set)', async () => ({ q: await quote(platform, { tdAttributes: Buffer.from([1, 0, 0, 0x10, 0, 0, 0, 0]) }) }), 'debug_enabled'],
    [
      'a debug TD with a policy that allows it',
      async () => ({
        q: await quote(platform, { tdAttributes: Buffer.from([1, 0, 0, 0x10, 0, 0, 0, 0]) }),
        policy: { requireCollateral: false, allowDebug: true },
      }),
      'valid',
    ],
    ['SEPT_VE_DISABLE clear', async () => ({ q: await quote(platform, { tdAttributes: Buffer.alloc(8) }) }), 'debug_enabled'],
    ['reserved TD attribute bits set', async () => ({ q: await quote(platform, { tdAttributes: Buffer.from([0, 1, 0, 0x10, 0, 0, 0, 0]) }) }), 'malformed'],
    [
      'a TDX module not signed by Intel (MRSIGNERSEAM non-zero)',
      async () => ({ q: await quote(platform, { mrSignerSeam: Buffer.alloc(48, 0xee) }) }),
      'chain_untrusted',
    ],
    ['a QE report binding another attestation key', async () => ({ q: await quote(platform, { bindKey: Buffer.alloc(64, 1) }) }), 'bad_signature'],
    [
      'the PCK revoked by the PCK CRL',
      async () => ({ q: good, c: await collateral(platform, await crl(platform, 'ca', ['7e57'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z')) }),
      'revoked_cert',
    ],
    [
      'the PCK CA revoked by the root CA CRL',
      async () => ({
        q: good,
        c: await collateral(
          platform,
          await crl(platform, 'ca', [], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'),
          await crl(platform, 'root', ['02'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'),
        ),
      }),
      'revoked_cert',
    ],
    [
      'an empty PCK CRL signed by another key',
      async () => ({ q: good, c: await collateral(platform, await crl(platform, 'ca', [], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z', await gen())) }),
      'chain_untrusted',
    ],
    [
      'a stale PCK CRL',
      async () => ({ q: good, c: await collateral(platform, await crl(platform, 'ca', [], '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')) }),
      'chain_expired',
    ],
    ['the other PKI’s chain for this quote’s QE report', async () => ({ q: good, p: processor }), 'chain_untrusted'],
  ];

  it.each(rows.map(([n, make, code]) => [`${n} → ${code}`, make, code] as const))('%s', async (_n, make, code) => {
    const { q, p, c, policy } = await make();
    const v = run(q, p ?? platform, c, policy ?? { requireCollateral: false });
    if (code === 'valid') expect(v.valid).toBe(true);
    else expect(v).toMatchObject({ valid: false, code });
  });
});
