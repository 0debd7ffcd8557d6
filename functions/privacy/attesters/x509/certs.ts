/**
 * Certificates with node:crypto: parsing PEM bundles or DER, pinned anchors, and the checks
 * node does not do on its own (issuer linkage, validity dates, the CA bit), written out for
 * the fixed-length vendor chains (AMD 3, Intel 3, NVIDIA 5): there is no path building.
 * Signature results are cached per (certificate, issuer) pair; dates are checked every time.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { PinnedCert } from '../roots/pinned.ts';
import { MalformedEvidenceError, type FailureCode } from '../domain/result.ts';
import { mayCertSign } from './extensions.ts';

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle, or the one DER certificate. */
export function parseCertificates(input: Uint8Array | string, what = 'certificate'): X509Certificate[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const pems = text.match(PEM_RE);
  try {
    if (pems) return pems.map((p) => cachedCert(p));
    if (typeof input === 'string') throw new MalformedEvidenceError(`${what}: no PEM certificate found`);
    return [cachedCert(Buffer.from(input))];
  } catch (e) {
    if (e instanceof MalformedEvidenceError) throw e;
    throw new MalformedEvidenceError(`${what} does not parse: ${(e as Error).message}`);
  }
}

const parsed = new Map<string, X509Certificate>();
const MAX_CACHED = 512;

/** Parsing costs more than hashing: certificates seen before come from a bounded cache. */
function cachedCert(input: string | Buffer): X509Certificate {
  const key = typeof input === 'string' ? input.replace(/\s+/g, '') : input.toString('base64');
  let c = parsed.get(key);
  if (!c) {
    c = new X509Certificate(input);
    if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, c);
  }
  return c;
}

const fingerprints = new WeakMap<X509Certificate, string>();
export function sha256Of(cert: X509Certificate): string {
  let fp = fingerprints.get(cert);
  if (!fp) {
    fp = createHash('sha256').update(cert.raw).digest('hex');
    fingerprints.set(cert, fp);
  }
  return fp;
}

/** Integrity failure of the code itself (an edited constant): not an expected verdict. */
export class PinnedRootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinnedRootError';
  }
}

const anchors = new Map<string, X509Certificate>();
/** The pinned certificate, parsed once and checked against its fingerprint. */
export function anchor(pinned: PinnedCert): X509Certificate {
  let c = anchors.get(pinned.sha256);
  if (!c) {
    c = new X509Certificate(pinned.pem);
    if (sha256Of(c) !== pinned.sha256) throw new PinnedRootError(`pinned ${pinned.name} does not match its fingerprint`);
    anchors.set(pinned.sha256, c);
  }
  return c;
}

const verifiedLinks = new Map<string, boolean>();
export const chainCacheStats = { hits: 0, misses: 0 };
/** Drops cached parses, anchors and signature results (the bench's uncached runs). */
export function clearCertificateCaches(): void {
  parsed.clear();
  verifiedLinks.clear();
  anchors.clear();
}

/** `child` names `issuer` as its issuer and carries a valid signature by its key. */
export function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  const key = `${sha256Of(child)}:${sha256Of(issuer)}`;
  const hit = verifiedLinks.get(key);
  if (hit !== undefined) {
    chainCacheStats.hits++;
    return hit;
  }
  chainCacheStats.misses++;
  let ok = false;
  try {
    ok = child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    ok = false;
  }
  if (verifiedLinks.size >= MAX_CACHED) verifiedLinks.delete(verifiedLinks.keys().next().value!);
  verifiedLinks.set(key, ok);
  return ok;
}

export const validFromMs = (c: X509Certificate): number => Date.parse(c.validFrom);
export const validToMs = (c: X509Certificate): number => Date.parse(c.validTo);
export const inValidity = (c: X509Certificate, atMs: number): boolean => atMs >= validFromMs(c) && atMs <= validToMs(c);
export const commonName = (c: X509Certificate): string => /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1] ?? c.subject;

const certSigners = new WeakMap<X509Certificate, boolean>();
function mayCertSignCached(c: X509Certificate): boolean {
  let ok = certSigners.get(c);
  if (ok === undefined) {
    try {
      ok = mayCertSign(c);
    } catch {
      ok = false;
    }
    certSigners.set(c, ok);
  }
  return ok;
}

export interface ChainProblem {
  code: FailureCode;
  error: string;
}

/**
 * Checks leaf → … → anchor: each link's issuer name and signature, the CA bit and keyUsage
 * (keyCertSign, when present) of every issuer, and every certificate's dates (the anchor's too) at `atMs`. `chain` is leaf first and may
 * or may not end with a copy of the anchor; a copy must be byte-identical to it.
 */
export function checkChain(chain: readonly X509Certificate[], root: X509Certificate, atMs: number, what: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  if (chain.length === 0) return [{ code: 'malformed', error: `${what}: no certificates` }];
  const certs = [...chain];
  const last = certs[certs.length - 1]!;
  if (last.checkIssued(last) || sha256Of(last) === sha256Of(root)) {
    if (sha256Of(last) !== sha256Of(root))
      return [{ code: 'chain_untrusted', error: `${what} ends in ${commonName(last)}, which is not the pinned ${commonName(root)}` }];
    certs.pop();
  }
  const path = [...certs, root];
  for (let i = 0; i < path.length - 1; i++) {
    const child = path[i]!;
    const issuer = path[i + 1]!;
    if (!signedBy(child, issuer)) problems.push({ code: 'chain_untrusted', error: `${what}: ${commonName(child)} is not signed by ${commonName(issuer)}` });
    if (!issuer.ca) problems.push({ code: 'chain_untrusted', error: `${what}: ${commonName(issuer)} is not a CA certificate` });
    else if (!mayCertSignCached(issuer))
      problems.push({ code: 'chain_untrusted', error: `${what}: ${commonName(issuer)} may not sign certificates (keyUsage)` });
  }
  for (const c of path) {
    if (!inValidity(c, atMs)) {
      problems.push({
        code: 'chain_expired',
        error: `${what}: ${commonName(c)} is valid ${c.validFrom} to ${c.validTo}, not at ${new Date(atMs).toISOString()}`,
      });
    }
  }
  return problems;
}
