/**
 * SEV-SNP evidence made by a test CA in AMD's formats, for cases no public vector covers: an
 * ARK/ASK/ASVK hierarchy (RSA-PSS SHA-384, as AMD's), VCEKs and VLEKs (P-384) carrying AMD's
 * extensions, 1184-byte reports of versions 2, 3 and 5 signed the way the PSP signs them
 * (little-endian R‖S in 72-byte fields), and KDS-style CRLs signed by the ARK.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, createPrivateKey, sign as signData, webcrypto } from 'node:crypto';
import type { AmdProductRoots } from '../../../../functions/privacy/attesters/roots/amd.ts';
import type { PinnedCert } from '../../../../functions/privacy/attesters/roots/pinned.ts';
import type { SnpProduct } from '../../../../functions/privacy/attesters/domain/snp/report.ts';

const subtle = webcrypto.subtle;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const RSA = { name: 'RSA-PSS', hash: 'SHA-384', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const PSS_SIGN = { name: 'RSA-PSS', saltLength: 48 } as const;
const EC = { name: 'ECDSA', namedCurve: 'P-384' } as const;
const NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
const NOT_AFTER = new Date('2040-01-01T00:00:00Z');
const dn = (cn: string) => `CN=${cn}, O=Advanced Micro Devices, OU=Engineering, L=Santa Clara, ST=CA, C=US`;

type CryptoKeyPairT = webcrypto.CryptoKeyPair;
export interface TestKey {
  cert: x509.X509Certificate;
  keys: CryptoKeyPairT;
  pem: string;
}

const pinned = (k: TestKey): PinnedCert => {
  const pem = k.cert.toString('pem');
  return { name: k.cert.subject, pem, sha256: createHash('sha256').update(new X509Certificate(pem).raw).digest('hex') };
};

async function ca(cn: string, issuer: TestKey | undefined, serial: string): Promise<TestKey> {
  const keys = (await subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions = [
    new x509.BasicConstraintsExtension(true, issuer ? 0 : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: dn(cn),
        issuer: issuer.cert.subject,
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: PSS_SIGN,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial,
        name: dn(cn),
        notBefore: NOT_BEFORE,
        notAfter: NOT_AFTER,
        keys,
        signingAlgorithm: PSS_SIGN,
        extensions,
      });
  return { cert, keys, pem: cert.toString('pem') };
}

export interface TestProduct {
  product: SnpProduct;
  ark: TestKey;
  ask: TestKey;
  asvk: TestKey;
  roots: AmdProductRoots;
}

export async function testProduct(product: SnpProduct): Promise<TestProduct> {
  const ark = await ca(`ARK-${product}`, undefined, '01');
  const ask = await ca(`SEV-${product}`, ark, '02');
  const asvk = await ca(`SEV-VLEK-${product}`, ark, '03');
  return { product, ark, ask, asvk, roots: { ark: pinned(ark), ask: pinned(ask), asvk: pinned(asvk) } };
}

export interface Tcb {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  fmc?: number;
}

const int = (v: number) => new Uint8Array(v < 0x80 ? [0x02, 0x01, v] : [0x02, 0x02, 0x00, v]);
const ia5 = (s: string) => new Uint8Array([0x16, s.length, ...Buffer.from(s, 'latin1')]);
const ext = (oid: string, value: Uint8Array) => new x509.Extension(oid, false, value);

/** A VCEK (hwid = chip id) or VLEK (CSP id) under `p`, with its TCB in AMD's extensions. */
export async function signingKey(
  p: TestProduct,
  kind: 'vcek' | 'vlek',
  tcb: Tcb,
  opts: { hwid?: Uint8Array; notAfter?: Date; serial?: string } = {},
): Promise<TestKey & { privatePem: string }> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions = [
    ext('1.3.6.1.4.1.3704.1.1', int(kind === 'vlek' ? 1 : 0)),
    ext('1.3.6.1.4.1.3704.1.2', ia5(p.product === 'Turin' ? 'Turin' : `${p.product}-B1`)),
    ext('1.3.6.1.4.1.3704.1.3.1', int(tcb.bootloader)),
    ext('1.3.6.1.4.1.3704.1.3.2', int(tcb.tee)),
    ext('1.3.6.1.4.1.3704.1.3.3', int(tcb.snp)),
    ext('1.3.6.1.4.1.3704.1.3.8', int(tcb.microcode)),
    ...(tcb.fmc !== undefined ? [ext('1.3.6.1.4.1.3704.1.3.9', int(tcb.fmc))] : []),
    ...(kind === 'vcek' ? [ext('1.3.6.1.4.1.3704.1.4', opts.hwid ?? new Uint8Array(64))] : [ext('1.3.6.1.4.1.3704.1.5', ia5('TestCloud'))]),
  ];
  const issuer = kind === 'vcek' ? p.ask : p.asvk;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? (kind === 'vcek' ? '10' : '11'),
    subject: dn(kind === 'vcek' ? 'SEV-VCEK' : 'SEV-VLEK'),
    issuer: issuer.cert.subject,
    notBefore: NOT_BEFORE,
    notAfter: opts.notAfter ?? NOT_AFTER,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: PSS_SIGN,
    extensions,
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  return { cert, keys, pem: cert.toString('pem'), privatePem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n` };
}

export interface ReportSpec {
  version?: number;
  policy?: bigint;
  signer: 'vcek' | 'vlek';
  reportData: Uint8Array;
  tcb: Tcb;
  product: SnpProduct;
  cpuid?: { family: number; model: number };
  chipId?: Uint8Array;
  platformInfo?: bigint;
  vmpl?: number;
}

function tcbRaw(t: Tcb, product: SnpProduct): Buffer {
  const b = Buffer.alloc(8);
  if (product === 'Turin') [b[0], b[1], b[2], b[3], b[7]] = [t.fmc ?? 0, t.bootloader, t.tee, t.snp, t.microcode];
  else [b[0], b[1], b[6], b[7]] = [t.bootloader, t.tee, t.snp, t.microcode];
  return b;
}

/** An ATTESTATION_REPORT signed with `privatePem` (ECDSA P-384, SHA-384 over bytes 0–0x29F). */
export function snpReport(s: ReportSpec, privatePem: string): Uint8Array {
  const r = Buffer.alloc(0x4a0);
  r.writeUInt32LE(s.version ?? 3, 0);
  r.writeBigUInt64LE(s.policy ?? 0x30000n, 0x08);
  r.writeUInt32LE(s.vmpl ?? 0, 0x30);
  r.writeUInt32LE(1, 0x34);
  const tcb = tcbRaw(s.tcb, s.product);
  tcb.copy(r, 0x38);
  r.writeBigUInt64LE(s.platformInfo ?? 0n, 0x40);
  r.writeUInt32LE(s.signer === 'vlek' ? 1 << 2 : 0, 0x48);
  Buffer.from(s.reportData).copy(r, 0x50);
  r.fill(0xab, 0x90, 0xc0);
  tcb.copy(r, 0x180);
  if ((s.version ?? 3) >= 3) {
    const cpuid = s.cpuid ?? { family: s.product === 'Turin' ? 0x1a : 0x19, model: s.product === 'Genoa' ? 0x11 : 0x01 };
    r[0x188] = cpuid.family;
    r[0x189] = cpuid.model;
  }
  if (s.chipId) Buffer.from(s.chipId).copy(r, 0x1a0);
  tcb.copy(r, 0x1e0);
  tcb.copy(r, 0x1f0);
  const sig = signData('sha384', r.subarray(0, 0x2a0), { key: createPrivateKey(privatePem), dsaEncoding: 'ieee-p1363' });
  Buffer.from(sig.subarray(0, 48)).reverse().copy(r, 0x2a0);
  Buffer.from(sig.subarray(48, 96)).reverse().copy(r, 0x2e8);
  return new Uint8Array(r);
}

/** A KDS-style CRL signed by the product's ARK. */
export async function arkCrl(p: TestProduct, revokedSerials: string[], thisUpdate: Date, nextUpdate: Date, signer: TestKey = p.ark): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: p.ark.cert.subject,
    thisUpdate,
    nextUpdate,
    entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
    signingKey: signer.keys.privateKey,
    signingAlgorithm: PSS_SIGN,
  });
  return new Uint8Array(crl.rawData);
}
