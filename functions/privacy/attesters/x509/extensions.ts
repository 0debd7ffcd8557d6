/**
 * Certificate extensions node:crypto does not expose, read with @peculiar/x509: AMD's VCEK/VLEK
 * extensions (the TCB they were issued for, the chip id) and keyUsage.
 * `reflect-metadata` must be evaluated before @peculiar/x509 (its DI container needs it), hence
 * the import order here.
 */
import 'reflect-metadata';
import { X509Certificate as PeculiarCertificate, KeyUsagesExtension, KeyUsageFlags } from '@peculiar/x509';
import type { X509Certificate } from 'node:crypto';
import { MalformedEvidenceError } from '../domain/result.ts';

const cache = new WeakMap<X509Certificate, PeculiarCertificate>();
function peculiar(cert: X509Certificate): PeculiarCertificate {
  let p = cache.get(cert);
  if (!p) {
    p = new PeculiarCertificate(new Uint8Array(cert.raw));
    cache.set(cert, p);
  }
  return p;
}

/** Raw extnValue bytes of an extension, or undefined. */
export function extensionValue(cert: X509Certificate, oid: string): Uint8Array | undefined {
  const e = peculiar(cert).extensions.find((x) => x.type === oid);
  return e ? new Uint8Array(e.value) : undefined;
}

/** keyUsage has keyCertSign, or the certificate carries no keyUsage at all (RFC 5280 then allows any use). */
export function mayCertSign(cert: X509Certificate): boolean {
  const ku = peculiar(cert).getExtension(KeyUsagesExtension);
  return !ku || (ku.usages & KeyUsageFlags.keyCertSign) !== 0;
}

/** A DER TLV's tag, value and total length, or undefined when it is not one. */
function tlv(b: Uint8Array): { tag: number; value: Uint8Array } | undefined {
  if (b.length < 2) return undefined;
  let len = b[1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || b.length < 2 + n) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[2 + i]!;
    head = 2 + n;
  }
  if (head + len !== b.length) return undefined;
  return { tag: b[0]!, value: b.subarray(head) };
}

function derInteger(b: Uint8Array | undefined, what: string): number | undefined {
  if (!b) return undefined;
  const t = tlv(b);
  if (!t || t.tag !== 0x02 || t.value.length === 0 || t.value.length > 4) throw new MalformedEvidenceError(`${what} is not a small DER INTEGER`);
  let v = 0;
  for (const x of t.value) v = v * 256 + x;
  return v;
}

function derIa5(b: Uint8Array | undefined, what: string): string | undefined {
  if (!b) return undefined;
  const t = tlv(b);
  if (!t || (t.tag !== 0x16 && t.tag !== 0x0c)) throw new MalformedEvidenceError(`${what} is not an IA5String`);
  return Buffer.from(t.value).toString('latin1');
}

export const AMD_OID = {
  structVersion: '1.3.6.1.4.1.3704.1.1',
  productName: '1.3.6.1.4.1.3704.1.2',
  blSpl: '1.3.6.1.4.1.3704.1.3.1',
  teeSpl: '1.3.6.1.4.1.3704.1.3.2',
  snpSpl: '1.3.6.1.4.1.3704.1.3.3',
  ucodeSpl: '1.3.6.1.4.1.3704.1.3.8',
  fmcSpl: '1.3.6.1.4.1.3704.1.3.9',
  hwid: '1.3.6.1.4.1.3704.1.4',
  cspId: '1.3.6.1.4.1.3704.1.5',
} as const;

export interface AmdKeyExtensions {
  structVersion?: number;
  /** "Milan-B0", "Genoa-B1", "Turin", …: the product, then the stepping if any. */
  productName?: string;
  bootloader?: number;
  tee?: number;
  snp?: number;
  microcode?: number;
  fmc?: number;
  /** VCEK: the chip id (64 bytes on Milan/Genoa, 8 on Turin), raw or in an OCTET STRING. */
  hwid?: Uint8Array;
  /** VLEK: the cloud provider it was issued to. */
  cspId?: string;
}

export function amdKeyExtensions(cert: X509Certificate): AmdKeyExtensions {
  const v = (oid: string) => extensionValue(cert, oid);
  let hwid = v(AMD_OID.hwid);
  if (hwid) {
    // Older KDS certificates hold the raw bytes; newer ones may wrap them in an OCTET STRING.
    const t = hwid.length !== 64 && hwid.length !== 8 ? tlv(hwid) : undefined;
    if (t && t.tag === 0x04) hwid = t.value;
  }
  const out: AmdKeyExtensions = {};
  const put = <K extends keyof AmdKeyExtensions>(k: K, val: AmdKeyExtensions[K] | undefined) => {
    if (val !== undefined) out[k] = val;
  };
  put('structVersion', derInteger(v(AMD_OID.structVersion), 'structVersion'));
  put('productName', derIa5(v(AMD_OID.productName), 'productName'));
  put('bootloader', derInteger(v(AMD_OID.blSpl), 'blSPL'));
  put('tee', derInteger(v(AMD_OID.teeSpl), 'teeSPL'));
  put('snp', derInteger(v(AMD_OID.snpSpl), 'snpSPL'));
  put('microcode', derInteger(v(AMD_OID.ucodeSpl), 'ucodeSPL'));
  put('fmc', derInteger(v(AMD_OID.fmcSpl), 'fmcSPL'));
  put('hwid', hwid);
  put('cspId', derIa5(v(AMD_OID.cspId), 'CSP_ID'));
  return out;
}
