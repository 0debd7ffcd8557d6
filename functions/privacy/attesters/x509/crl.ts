/**
 * Certificate revocation lists (AMD KDS, Intel PCS): @peculiar/x509 parses them; the signature
 * is checked here with node:crypto against the issuer we already trust (synchronously, and
 * before an empty list is believed), and the list must be current at the verification time.
 */
import 'reflect-metadata';
import { X509Crl } from '@peculiar/x509';
import { constants, createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import { MalformedEvidenceError } from '../domain/result.ts';
import { commonName, sha256Of, type ChainProblem } from './certs.ts';
import { children, readTlv } from './der.ts';

export interface ParsedCrl {
  crl: X509Crl;
  tbs: Uint8Array;
  signature: Uint8Array;
  /** Revoked serials, normalised (lowercase hex, no leading zeros). */
  revoked: Set<string>;
  /** Issuers whose signature on it was checked (by certificate fingerprint). */
  signedBy: Map<string, boolean>;
}

const parsedCrls = new Map<string, ParsedCrl>();
const MAX_CRLS = 64;
export const clearCrlCache = (): void => parsedCrls.clear();

/** Parses (once per distinct CRL: a PCK CRL holds hundreds of entries) a DER or PEM CRL. */
export function parseCrl(input: Uint8Array | string): ParsedCrl {
  const key = createHash('sha256').update(input).digest('hex');
  let p = parsedCrls.get(key);
  if (!p) {
    p = parseCrlUncached(input);
    if (parsedCrls.size >= MAX_CRLS) parsedCrls.delete(parsedCrls.keys().next().value!);
    parsedCrls.set(key, p);
  }
  return p;
}

function parseCrlUncached(input: Uint8Array | string): ParsedCrl {
  try {
    const crl = new X509Crl(typeof input === 'string' ? input : new Uint8Array(input));
    const der = new Uint8Array(crl.rawData);
    const [tbs, , sig] = children(readTlv(der, 0));
    if (!tbs || !sig || sig.tag !== 0x03 || sig.value[0] !== 0) throw new MalformedEvidenceError('CRL has no signature');
    return { crl, tbs: tbs.raw, signature: sig.value.subarray(1), revoked: new Set(crl.entries.map((e) => serialKey(e.serialNumber))), signedBy: new Map() };
  } catch (e) {
    if (e instanceof MalformedEvidenceError) throw e;
    throw new MalformedEvidenceError(`CRL does not parse: ${(e as Error).message}`);
  }
}

/** The CRL's signature by `issuer`: ECDSA (DER signature) or RSA-PSS / PKCS#1 v1.5 as its algorithm says. */
export function crlSignedBy(p: ParsedCrl, issuer: X509Certificate): boolean {
  const fp = sha256Of(issuer);
  let ok = p.signedBy.get(fp);
  if (ok === undefined) {
    ok = crlSignatureValid(p, issuer);
    p.signedBy.set(fp, ok);
  }
  return ok;
}

function crlSignatureValid(p: ParsedCrl, issuer: X509Certificate): boolean {
  const alg = p.crl.signatureAlgorithm as { name: string; hash?: { name: string }; saltLength?: number };
  const hash = (alg.hash?.name ?? 'SHA-256').replace('-', '').toLowerCase();
  try {
    if (alg.name === 'RSA-PSS') {
      return verifySignature(hash, p.tbs, { key: issuer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 0 }, p.signature);
    }
    return verifySignature(hash, p.tbs, issuer.publicKey, p.signature);
  } catch {
    return false;
  }
}

const serialKey = (hex: string): string => hex.toLowerCase().replace(/^0+/, '') || '0';

/**
 * Problems with a CRL for `subjects` issued by `issuer`: not signed by it (chain_untrusted),
 * not current at `atMs` (chain_expired), or listing a subject (revoked_cert).
 */
export function checkRevocation(p: ParsedCrl, issuer: X509Certificate, subjects: readonly X509Certificate[], atMs: number, what: string): ChainProblem[] {
  if (!crlSignedBy(p, issuer)) return [{ code: 'chain_untrusted', error: `${what}: the CRL is not signed by ${commonName(issuer)}` }];
  const problems: ChainProblem[] = [];
  const next = p.crl.nextUpdate?.getTime();
  if (atMs < p.crl.thisUpdate.getTime()) problems.push({ code: 'chain_expired', error: `${what}: the CRL is issued ${p.crl.thisUpdate.toISOString()}, after the verification time` });
  if (next !== undefined && atMs > next) problems.push({ code: 'chain_expired', error: `${what}: the CRL's nextUpdate ${new Date(next).toISOString()} has passed` });
  for (const s of subjects) {
    if (p.revoked.has(serialKey(s.serialNumber))) problems.push({ code: 'revoked_cert', error: `${what}: ${commonName(s)} (serial ${s.serialNumber}) is revoked` });
  }
  return problems;
}

/** Next-update time of a CRL in ms, for the collateral cache. */
export const crlNextUpdateMs = (input: Uint8Array | string): number | undefined => parseCrl(input).crl.nextUpdate?.getTime();
