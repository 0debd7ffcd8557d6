/**
 * NVIDIA cases no public vector covers, on evidence a test CA makes in NVIDIA's formats: an
 * SPDM 1.1 GET_MEASUREMENTS request and MEASUREMENTS response (DMTF blocks, NVIDIA opaque
 * items) signed with a P-384 device key whose chain (leaf → two intermediates → a test root)
 * has NVIDIA's shape. Covers NVDEC0 enabled (index 35 compared), a Blackwell leaf name, an
 * expired device certificate, a missing driver version.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, createPrivateKey, sign as signData, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyNvidia } from '../../../../functions/privacy/attesters/nvidia/verify.ts';
import { nvidiaPolicy, type NvidiaPolicyInput } from '../../../../functions/privacy/attesters/domain/nvidia/policy.ts';
import { PINNED, type TrustAnchors } from '../../../../functions/privacy/attesters/roots/trust.ts';
import type { ReferenceSet } from '../../../../functions/privacy/attesters/domain/nvidia/golden.ts';
import { at, fixtureText } from './fixtures.ts';
import { oidBytes } from '../../../../functions/privacy/attesters/x509/der.ts';

const subtle = webcrypto.subtle;
type Pair = webcrypto.CryptoKeyPair;
const EC = { name: 'ECDSA', namedCurve: 'P-384' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-384' } as const;
const NOW = at('2026-06-01T00:00:00Z');
const nonce = new Uint8Array(32).fill(0x5a);

interface Chain {
  pems: string[];
  leafKeyPem: string;
  trust: TrustAnchors;
  /** [leaf, FSP BROM, provisioner, root]: certificates and key pairs, for OCSP responses. */
  certs: X509Certificate[];
  keys: Pair[];
}

async function chain(leafCn: string, leafNotAfter = new Date('2040-01-01T00:00:00Z')): Promise<Chain> {
  const gen = async () => (await subtle.generateKey(EC, true, ['sign', 'verify'])) as Pair;
  const [rootK, midK, mid2K, leafK] = [await gen(), await gen(), await gen(), await gen()];
  const ca = [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)];
  const nb = new Date('2024-01-01T00:00:00Z');
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Device Identity CA, O=NVIDIA',
    keys: rootK,
    signingAlgorithm: SIGN,
    notBefore: nb,
    notAfter: new Date('2050-01-01T00:00:00Z'),
    extensions: ca,
  });
  const mid = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=Test GB100 Provisioner ICA 1, O=NVIDIA',
    issuer: root.subject,
    publicKey: midK.publicKey,
    signingKey: rootK.privateKey,
    signingAlgorithm: SIGN,
    notBefore: nb,
    notAfter: new Date('2050-01-01T00:00:00Z'),
    extensions: ca,
  });
  const mid2 = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: 'CN=Test GB100 A01 FSP BROM, O=NVIDIA',
    issuer: mid.subject,
    publicKey: mid2K.publicKey,
    signingKey: midK.privateKey,
    signingAlgorithm: SIGN,
    notBefore: nb,
    notAfter: new Date('2050-01-01T00:00:00Z'),
    extensions: ca,
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '04',
    subject: `CN=${leafCn}, O=NVIDIA`,
    issuer: mid2.subject,
    publicKey: leafK.publicKey,
    signingKey: mid2K.privateKey,
    signingAlgorithm: SIGN,
    notBefore: nb,
    notAfter: leafNotAfter,
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', leafK.privateKey)).toString('base64');
  const rootPem = root.toString('pem');
  const sha256 = createHash('sha256').update(new X509Certificate(rootPem).raw).digest('hex');
  return {
    pems: [leaf.toString('pem'), mid2.toString('pem'), mid.toString('pem'), rootPem],
    leafKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
    trust: { ...PINNED, nvidiaDevice: { name: 'Test Device Identity CA', pem: rootPem, sha256 } },
    certs: [leaf, mid2, mid, root].map((c) => new X509Certificate(c.toString('pem'))),
    keys: [leafK, mid2K, midK, rootK],
  };
}

const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const item = (type: number, value: Buffer) => Buffer.concat([u16(type), u16(value.length), value]);
const measurement = (i: number) => createHash('sha384').update(`measurement ${i}`).digest();

/** request ‖ response, signed like the GPU signs it. */
function gpuReport(keyPem: string, o: { nvdec0?: number; driver?: string; blocks?: number } = {}): Uint8Array {
  const request = Buffer.concat([Buffer.from([0x11, 0xe0, 0x01, 0xff]), nonce, Buffer.from([0x00])]);
  const n = o.blocks ?? 40;
  const record = Buffer.concat(
    Array.from({ length: n }, (_, k) => {
      const value = measurement(k + 1);
      const m = Buffer.concat([Buffer.from([0x01]), u16(value.length), value]);
      return Buffer.concat([Buffer.from([k + 1, 0x01]), u16(m.length), m]);
    }),
  );
  const opaque = Buffer.concat([
    ...(o.driver === '' ? [] : [item(3, Buffer.from(`${o.driver ?? '570.10.01'}\0`))]),
    item(6, Buffer.from([0x00, 0x5e, 0x00, 0x97, 0x01, 0, 0, 0])),
    item(11, Buffer.from([o.nvdec0 ?? 0xaa])),
  ]);
  const len = Buffer.from([record.length & 0xff, (record.length >> 8) & 0xff, record.length >> 16]);
  const response = Buffer.concat([Buffer.from([0x11, 0x60, 0x00, 0x00, n]), len, record, Buffer.alloc(32, 0x33), u16(opaque.length), opaque]);
  const signed = Buffer.concat([request, response]);
  const sig = signData('sha384', signed, { key: createPrivateKey(keyPem), dsaEncoding: 'ieee-p1363' });
  return new Uint8Array(Buffer.concat([signed, sig]));
}

/** Golden values for blocks 1..n (RIM indices 0..n-1), all active. */
const golden = (n: number, patch: (i: number) => string | undefined = () => undefined): ReferenceSet => ({
  source: 'configured',
  measurements: Array.from({ length: n }, (_, i) => ({ index: i, active: true, size: 48, alternatives: [patch(i) ?? measurement(i + 1).toString('hex')] })),
});

// ---- OCSP responses in RFC 6960's DER, built by hand (a few TLVs) and signed with the issuers' keys.
const dlen = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
const tlv = (tag: number, ...parts: Buffer[]) => {
  const v = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...dlen(v.length)]), v]);
};
const seq = (...p: Buffer[]) => tlv(0x30, ...p);
const oid = (dotted: string) => tlv(0x06, Buffer.from(oidBytes(dotted)));
const gtime = (iso: string) => tlv(0x18, Buffer.from(`${iso.replace(/[-:T]/g, '').slice(0, 14)}Z`));
const spkiBits = (c: X509Certificate) => Buffer.from(c.publicKey.export({ type: 'spki', format: 'der' })).subarray(-97);

type Status = 'good' | 'revoked' | 'unknown';
const subjectDer = (c: X509Certificate) => Buffer.from(new x509.X509Certificate(c.raw).subjectName.toArrayBuffer());
async function ocspFor(
  c: Chain,
  i: number,
  o: {
    status?: Status;
    thisUpdate?: string;
    nextUpdate?: string;
    signer?: Pair;
    responder?: X509Certificate;
    nonce?: Uint8Array;
    nameHashOf?: X509Certificate;
  } = {},
): Promise<Uint8Array> {
  const [cert, issuer] = [c.certs[i]!, c.certs[i + 1]!];
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
  const certId = seq(
    seq(oid('1.3.14.3.2.26'), Buffer.from([0x05, 0x00])),
    tlv(0x04, sha1(subjectDer(o.nameHashOf ?? issuer))),
    tlv(0x04, sha1(spkiBits(issuer))),
    tlv(0x02, Buffer.from(cert.serialNumber, 'hex')),
  );
  const status = o.status === 'revoked' ? tlv(0xa1, gtime('2026-01-01T00:00:00Z')) : o.status === 'unknown' ? tlv(0x82) : tlv(0x80);
  const single = seq(certId, status, gtime(o.thisUpdate ?? '2026-05-30T00:00:00Z'), tlv(0xa0, gtime(o.nextUpdate ?? '2026-06-07T00:00:00Z')));
  const ext = o.nonce ? [tlv(0xa1, seq(seq(oid('1.3.6.1.5.5.7.48.1.2'), tlv(0x04, tlv(0x04, Buffer.from(o.nonce))))))] : [];
  const data = seq(tlv(0xa2, tlv(0x04, Buffer.alloc(20))), gtime('2026-05-30T00:00:00Z'), seq(single), ...ext);
  const key = createPrivateKey(await pkcs8(o.signer ?? c.keys[i + 1]!));
  const sig = signData('sha384', data, key);
  const certs = o.responder ? [tlv(0xa0, seq(Buffer.from(o.responder.raw)))] : [];
  const basic = seq(data, seq(oid('1.2.840.10045.4.3.3')), tlv(0x03, Buffer.from([0]), sig), ...certs);
  return new Uint8Array(seq(tlv(0x0a, Buffer.from([0])), tlv(0xa0, seq(oid('1.3.6.1.5.5.7.48.1.1'), tlv(0x04, basic)))));
}
const pkcs8 = async (k: Pair) =>
  `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await subtle.exportKey('pkcs8', k.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;

let blackwell: Chain;
let expired: Chain;
beforeAll(async () => {
  blackwell = await chain('GB100 A01 GSP FMC LF');
  expired = await chain('GB100 A01 GSP FMC LF', new Date('2025-01-01T00:00:00Z'));
}, 60_000);

const run = (report: Uint8Array, c: Chain, refs: ReferenceSet[], p: NvidiaPolicyInput = {}) =>
  verifyNvidia({ report, certificates: c.pems, references: { configured: refs } }, nonce, nvidiaPolicy(p), NOW, c.trust);

describe('NVIDIA with a test CA', () => {
  it('a GB100-named device, 40 blocks, NVDEC0 enabled: index 35 is compared too, valid', () => {
    const v = run(gpuReport(blackwell.leafKeyPem), blackwell, [golden(40)], { products: ['GB100'] });
    expect(v).toMatchObject({
      valid: true,
      claims: { gpu: 'GB100', nvdec0: 'enabled', driverVersion: '570.10.01', vbiosVersion: '97.00.5e.00.01', referenceValues: { matched: 40, compared: 40 } },
    });
  });

  it('NVDEC0 enabled and its golden value (RIM index 35) wrong: measurement_mismatch', () => {
    expect(run(gpuReport(blackwell.leafKeyPem), blackwell, [golden(40, (i) => (i === 35 ? '00'.repeat(48) : undefined))])).toMatchObject({
      valid: false,
      code: 'measurement_mismatch',
    });
  });

  it('NVDEC0 disabled and its golden value wrong: skipped, valid', () => {
    expect(run(gpuReport(blackwell.leafKeyPem, { nvdec0: 0x55 }), blackwell, [golden(40, (i) => (i === 35 ? '00'.repeat(48) : undefined))]).valid).toBe(true);
  });

  it('NVIDIA’s signed Hopper RIMs offered for a GB100 device: measurement_mismatch (the RIM is for another GPU)', () => {
    const rim = { label: 'driver RIM', xml: fixtureText('nvidia/nvtrust/Driver_RIM_test_no_gpu.swidtag') };
    const v = verifyNvidia(
      { report: gpuReport(blackwell.leafKeyPem), certificates: blackwell.pems, references: { rims: [rim] } },
      nonce,
      nvidiaPolicy({ requireRimVersionMatch: false }),
      at('2025-01-01T00:00:00Z'),
      blackwell.trust,
    );
    expect(v).toMatchObject({ valid: false, code: 'measurement_mismatch', error: 'driver RIM is for GH100; the GPU is GB100' });
  });

  describe('OCSP', () => {
    const all = (c: Chain, o: Parameters<typeof ocspFor>[2] = {}) => Promise.all([0, 1, 2].map((i) => ocspFor(c, i, i === 0 ? o : {})));
    const runOcsp = async (ocsp: Uint8Array[], p: NvidiaPolicyInput = { requireOcsp: true }) =>
      verifyNvidia(
        { report: gpuReport(blackwell.leafKeyPem), certificates: blackwell.pems, ocsp, references: { configured: [golden(40)] } },
        nonce,
        nvidiaPolicy(p),
        NOW,
        blackwell.trust,
      );

    it('a good, current response for every certificate below the root: valid', async () => {
      expect((await runOcsp(await all(blackwell))).valid).toBe(true);
    });

    it('a delegated responder (id-kp-OCSPSigning, issued by the leaf’s issuer) may sign', async () => {
      const rk = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as Pair;
      const issuer = new x509.X509Certificate(blackwell.pems[1]!);
      const responder = await x509.X509CertificateGenerator.create({
        serialNumber: '55',
        subject: 'CN=Test OCSP Responder, O=NVIDIA',
        issuer: issuer.subject,
        publicKey: rk.publicKey,
        signingKey: blackwell.keys[1]!.privateKey,
        signingAlgorithm: SIGN,
        notBefore: new Date('2024-01-01T00:00:00Z'),
        notAfter: new Date('2040-01-01T00:00:00Z'),
        extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.9'])],
      });
      const r = await ocspFor(blackwell, 0, { signer: rk, responder: new X509Certificate(responder.toString('pem')) });
      expect((await runOcsp([r, ...(await all(blackwell)).slice(1)])).valid).toBe(true);
    });

    it.each([
      ['the leaf revoked', { status: 'revoked' as const }, 'revoked_cert'],
      ['the leaf unknown to the responder', { status: 'unknown' as const }, 'chain_untrusted'],
      ['a stale response', { thisUpdate: '2026-01-01T00:00:00Z', nextUpdate: '2026-01-08T00:00:00Z' }, 'chain_expired'],
      ['a response signed by another key', { signer: 'other' as const }, 'chain_untrusted'],
    ])('%s → %s', async (_n, o, code) => {
      const signer = (o as { signer?: string }).signer === 'other' ? ((await subtle.generateKey(EC, true, ['sign', 'verify'])) as Pair) : undefined;
      const { signer: _s, ...rest } = o as { signer?: unknown };
      expect(await runOcsp(await all(blackwell, { ...rest, ...(signer ? { signer } : {}) }))).toMatchObject({ valid: false, code });
    });

    it('required but missing for one certificate → chain_untrusted; not required and absent → valid', async () => {
      expect(await runOcsp((await all(blackwell)).slice(1))).toMatchObject({ valid: false, code: 'chain_untrusted' });
      expect((await runOcsp([], {})).valid).toBe(true);
    });

    it('a response naming another issuer (issuerNameHash) does not cover the certificate → chain_untrusted', async () => {
      const r = await ocspFor(blackwell, 0, { nameHashOf: blackwell.certs[3]! });
      expect(await runOcsp([r, ...(await all(blackwell)).slice(1)])).toMatchObject({ valid: false, code: 'chain_untrusted' });
    });

    it('the OCSP client POSTs a SHA-384 CertID with a nonce to NVIDIA’s responder and refuses a response without the nonce', async () => {
      const { NvidiaOcspClient } = await import('../../../../functions/privacy/attesters/drivers/nvidia-ocsp.ts');
      const n = new Uint8Array(32).fill(9);
      const seen: { url: string; init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array } }[] = [];
      const answer = { current: await ocspFor(blackwell, 0, { nonce: n }) };
      const client = new NvidiaOcspClient({
        fetch: async (url, init) => (seen.push({ url, ...(init ? { init } : {}) }), new Response(Buffer.from(answer.current))),
      });
      const der = await client.status(blackwell.certs[0]!, blackwell.certs[1]!, n);
      expect(seen[0]).toMatchObject({
        url: 'https://ocsp.ndis.nvidia.com/',
        init: { method: 'POST', headers: { 'content-type': 'application/ocsp-request' } },
      });
      const body = Buffer.from(seen[0]!.init!.body!);
      const sha384 = (b: Buffer) => createHash('sha384').update(b).digest();
      expect(body.includes(sha384(subjectDer(blackwell.certs[1]!)))).toBe(true);
      expect(body.includes(sha384(spkiBits(blackwell.certs[1]!)))).toBe(true);
      expect(body.includes(Buffer.from(n))).toBe(true);
      expect(body.includes(Buffer.from(oidBytes('2.16.840.1.101.3.4.2.2')))).toBe(true);
      expect((await runOcsp([der, ...(await all(blackwell)).slice(1)])).valid).toBe(true);
      answer.current = await ocspFor(blackwell, 0);
      await expect(client.status(blackwell.certs[0]!, blackwell.certs[1]!, n)).rejects.toThrow(/nonce/);
    });

    it('a response that is not one → malformed', async () => {
      expect(await runOcsp([new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x01])])).toMatchObject({ valid: false, code: 'malformed' });
    });
  });

  it.each(
    (
      [
        ['Hopper required, a GB100 device', () => run(gpuReport(blackwell.leafKeyPem), blackwell, [golden(40)], { products: ['GH100'] }), 'wrong_product'],
        ['an expired device certificate', () => run(gpuReport(expired.leafKeyPem), expired, [golden(40)]), 'chain_expired'],
        [
          'a golden value for a block the report lacks',
          () => run(gpuReport(blackwell.leafKeyPem, { blocks: 39 }), blackwell, [golden(40)]),
          'measurement_mismatch',
        ],
        ['no driver version in the opaque data', () => run(gpuReport(blackwell.leafKeyPem, { driver: '' }), blackwell, [golden(40)]), 'malformed'],
        ['an NVDEC0 status that is neither value', () => run(gpuReport(blackwell.leafKeyPem, { nvdec0: 0x01 }), blackwell, [golden(40)]), 'malformed'],
        [
          'the test chain under the pinned NVIDIA root',
          () =>
            verifyNvidia(
              { report: gpuReport(blackwell.leafKeyPem), certificates: blackwell.pems, references: { configured: [golden(40)] } },
              nonce,
              nvidiaPolicy(),
              NOW,
            ),
          'chain_untrusted',
        ],
      ] as const
    ).map(([n, make, code]) => [`${n} → ${code}`, make, code] as const),
  )('%s', (_n, make, code) => {
    expect(make()).toMatchObject({ valid: false, code });
  });
});
