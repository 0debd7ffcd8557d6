/**
 * The gate's output (seed §2.4): the verified claims of every required attester flattened into
 * one map (`<attester>.<path>` → value), and the attestation hash, SHA-256 of its RFC 8785
 * canonical JSON. Keys are released bound to that hash, and both container attestations carry it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../../platform/canonical-json.ts';

export type FlatClaims = Record<string, string | number | boolean | null | (string | number | boolean | null)[]>;

type Scalar = string | number | boolean | null;

/** A claim value as JSON can hold it: bytes as hex, bigints as decimal strings, dates as ISO text. */
function scalar(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

function walk(prefix: string, v: unknown, out: FlatClaims): void {
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object' || x instanceof Uint8Array || x instanceof Date)) out[prefix] = v.map(scalar);
    else v.forEach((x, i) => walk(`${prefix}.${i}`, x, out));
    return;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) walk(`${prefix}.${k}`, x, out);
    return;
  }
  out[prefix] = scalar(v);
}

/** One flat map of every attester's claims, each under its attester's name. */
export function flattenClaims(verified: readonly { attester: string; claims: Record<string, unknown> }[]): FlatClaims {
  const out: FlatClaims = {};
  for (const { attester, claims } of [...verified].sort((a, b) => (a.attester < b.attester ? -1 : a.attester > b.attester ? 1 : 0)))
    walk(attester, claims, out);
  return out;
}

/** `sha256:<hex>` of the flat claims' canonical JSON. */
export const attestationHashOf = (claims: FlatClaims): string => `sha256:${bytesToHex(sha256(canonicalBytes(claims)))}`;

export const ATTESTATION_HASH = /^sha256:[0-9a-f]{64}$/;
