/**
 * Certificate revocation lists (AMD KDS, Intel PCS), read from the DER (RFC 5280 §5.1) and
 * checked with node:crypto against the issuer we already trust: the signature first (before an
 * empty list is believed), then that the list is current at the verification time, then the
 * serials. Parsed once per distinct CRL (a PCK CRL lists hundreds of serials).
 */
import { constants, createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import { MalformedEvidenceError } from '../domain/result.ts';
import { commonName, sha256Of, type ChainProblem } from './certs.ts';
import { children, derTime, hexOf, oidBytes, readOnly, sameBytes, type DerNode } from './der.ts';

export interface ParsedCrl {
  tbs: Uint8Array;
  signature: Uint8Array;
  algorithm: { hash: string; pss?: { saltLength: number } };
  thisUpdateMs: number;
  nextUpdateMs?: number;
  /** Revoked serials, normalised (lowercase hex, no leading zeros). */
  revoked: Set<string>;
  /** Issuers whose signature on it was checked (by certificate fingerprint). */
  signedBy: Map<string, boolean>;
}

const HASH_OIDS: [string, string][] = [
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
];
const SIG_OIDS: [string, string][] = [
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
];
const RSASSA_PSS = oidBytes('1.2.840.113549.1.1.10');
const lookup = (table: [string, string][], oid: Uint8Array): string | undefined => table.find(([o]) => sameBytes(oidBytes(o), oid))?.[1];

/** AlgorithmIdentifier → the hash, and RSA-PSS parameters (hashAlgorithm [0], saltLength [2]). */
function algorithm(alg: DerNode): ParsedCrl['algorithm'] {
  const [oid, params] = children(alg);
  if (!oid || oid.tag !== 0x06) throw new MalformedEvidenceError('CRL signature algorithm has no OID');
  if (sameBytes(oid.value, RSASSA_PSS)) {
    let hash = 'sha1';
    let saltLength = 20;
    for (const p of params ? children(params) : []) {
      const [inner] = children(p);
      if (p.tag === 0xa0 && inner) hash = lookup(HASH_OIDS, children(inner)[0]?.value ?? new Uint8Array()) ?? 'unknown';
      if (p.tag === 0xa2 && inner && inner.tag === 0x02) saltLength = inner.value.reduce((v, x) => v * 256 + x, 0);
    }
    return { hash, pss: { saltLength } };
  }
  const hash = lookup(SIG_OIDS, oid.value);
  if (!hash) throw new MalformedEvidenceError(`CRL signature algorithm ${hexOf(oid.value)} is not supported`);
  return { hash };
}

const serialKey = (hex: string): string => hex.toLowerCase().replace(/^0+/, '') || '0';
const isTime = (n: DerNode | undefined): n is DerNode => n !== undefined && (n.tag === 0x17 || n.tag === 0x18);

function parseCrlUncached(der: Uint8Array): ParsedCrl {
  const [tbs, alg, sig] = children(readOnly(der));
  if (!tbs || tbs.tag !== 0x30 || !alg || !sig || sig.tag !== 0x03 || sig.value[0] !== 0) throw new MalformedEvidenceError('not a CRL (CertificateList)');
  const fields = children(tbs);
  let i = 0;
  if (fields[i]?.tag === 0x02) i++; // version
  i++; // signature algorithm (repeated outside, which is what is checked)
  if (fields[i]?.tag !== 0x30) throw new MalformedEvidenceError('CRL has no issuer');
  i++;
  const thisUpdate = fields[i++];
  if (!isTime(thisUpdate)) throw new MalformedEvidenceError('CRL has no thisUpdate');
  const next = isTime(fields[i]) ? fields[i++] : undefined;
  const revoked = new Set<string>();
  if (fields[i]?.tag === 0x30) {
    for (const entry of children(fields[i]!)) {
      const serial = children(entry)[0];
      if (!serial || serial.tag !== 0x02) throw new MalformedEvidenceError('CRL entry has no serial number');
      revoked.add(serialKey(hexOf(serial.value)));
    }
  }
  return {
    tbs: tbs.raw,
    signature: sig.value.subarray(1),
    algorithm: algorithm(alg),
    thisUpdateMs: derTime(thisUpdate),
    ...(next ? { nextUpdateMs: derTime(next) } : {}),
    revoked,
    signedBy: new Map(),
  };
}

const parsedCrls = new Map<string, ParsedCrl>();
const MAX_CRLS = 64;
export const clearCrlCache = (): void => parsedCrls.clear();

const PEM_CRL = /-----BEGIN (?:X509 )?CRL-----([\s\S]*?)-----END (?:X509 )?CRL-----/;

/** Parses a DER or PEM CRL (once per distinct CRL). */
export function parseCrl(input: Uint8Array | string): ParsedCrl {
  const text = typeof input === 'string' ? input : undefined;
  const pem = text !== undefined ? PEM_CRL.exec(text) : undefined;
  if (text !== undefined && !pem) throw new MalformedEvidenceError('CRL text is not PEM');
  const der = pem ? new Uint8Array(Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64')) : (input as Uint8Array);
  const key = createHash('sha256').update(der).digest('hex');
  let p = parsedCrls.get(key);
  if (!p) {
    try {
      p = parseCrlUncached(der);
    } catch (e) {
      if (e instanceof MalformedEvidenceError) throw e;
      throw new MalformedEvidenceError(`CRL does not parse: ${(e as Error).message}`);
    }
    if (parsedCrls.size >= MAX_CRLS) parsedCrls.delete(parsedCrls.keys().next().value!);
    parsedCrls.set(key, p);
  }
  return p;
}

/** The CRL's signature by `issuer`: ECDSA (DER signature), RSA-PSS or PKCS#1 v1.5, as its algorithm says. */
export function crlSignedBy(p: ParsedCrl, issuer: X509Certificate): boolean {
  const fp = sha256Of(issuer);
  let ok = p.signedBy.get(fp);
  if (ok === undefined) {
    try {
      ok = p.algorithm.pss
        ? verifySignature(
            p.algorithm.hash,
            p.tbs,
            { key: issuer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.algorithm.pss.saltLength },
            p.signature,
          )
        : verifySignature(p.algorithm.hash, p.tbs, issuer.publicKey, p.signature);
    } catch {
      ok = false;
    }
    p.signedBy.set(fp, ok);
  }
  return ok;
}

/**
 * Problems with a CRL for `subjects` issued by `issuer`: not signed by it (chain_untrusted),
 * not current at `atMs` (chain_expired), or listing a subject (revoked_cert).
 */
export function checkRevocation(p: ParsedCrl, issuer: X509Certificate, subjects: readonly X509Certificate[], atMs: number, what: string): ChainProblem[] {
  if (!crlSignedBy(p, issuer)) return [{ code: 'chain_untrusted', error: `${what}: the CRL is not signed by ${commonName(issuer)}` }];
  const problems: ChainProblem[] = [];
  if (atMs < p.thisUpdateMs)
    problems.push({ code: 'chain_expired', error: `${what}: the CRL is issued ${new Date(p.thisUpdateMs).toISOString()}, after the verification time` });
  if (p.nextUpdateMs !== undefined && atMs > p.nextUpdateMs)
    problems.push({ code: 'chain_expired', error: `${what}: the CRL's nextUpdate ${new Date(p.nextUpdateMs).toISOString()} has passed` });
  for (const s of subjects) {
    if (p.revoked.has(serialKey(s.serialNumber)))
      problems.push({ code: 'revoked_cert', error: `${what}: ${commonName(s)} (serial ${s.serialNumber}) is revoked` });
  }
  return problems;
}
