/**
 * Certificate extensions node:crypto does not expose, read from the DER (x509/der.ts): AMD's
 * VCEK/VLEK extensions (the TCB they were issued for, the chip id) and keyUsage.
 */
import type { X509Certificate } from 'node:crypto';
import { MalformedEvidenceError } from '../domain/result.ts';
import { certificateExtensions, hexOf, oidBytes, readTlv } from './der.ts';

const cache = new WeakMap<X509Certificate, Map<string, Uint8Array>>();
function extensions(cert: X509Certificate): Map<string, Uint8Array> {
  let e = cache.get(cert);
  if (!e) {
    e = certificateExtensions(new Uint8Array(cert.raw));
    cache.set(cert, e);
  }
  return e;
}

/** Raw extnValue bytes of an extension, or undefined. */
export const extensionValue = (cert: X509Certificate, oid: string): Uint8Array | undefined => extensions(cert).get(hexOf(oidBytes(oid)));

const KEY_USAGE = '2.5.29.15';
/** keyUsage has keyCertSign (bit 5), or the certificate carries no keyUsage at all (RFC 5280 then allows any use). */
export function mayCertSign(cert: X509Certificate): boolean {
  const ku = extensionValue(cert, KEY_USAGE);
  if (!ku) return true;
  const bits = readTlv(ku, 0);
  if (bits.tag !== 0x03 || bits.value.length < 2) throw new MalformedEvidenceError('keyUsage is not a BIT STRING');
  return (bits.value[1]! & 0x04) !== 0;
}

/** A DER TLV's tag and value when `b` is exactly one, else undefined. */
function tlv(b: Uint8Array): { tag: number; value: Uint8Array } | undefined {
  try {
    const n = readTlv(b, 0);
    return n.raw.length === b.length ? n : undefined;
  } catch {
    return undefined;
  }
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
  let all: Map<string, Uint8Array>;
  try {
    all = extensions(cert);
  } catch (e) {
    if (e instanceof MalformedEvidenceError) throw e;
    throw new MalformedEvidenceError(`certificate extensions: ${(e as Error).message}`);
  }
  const v = (oid: string) => all.get(hexOf(oidBytes(oid)));
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
