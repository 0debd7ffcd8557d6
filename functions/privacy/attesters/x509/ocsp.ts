/**
 * OCSP responses (RFC 6960), read from the DER and checked with node:crypto: how NVIDIA revokes
 * GPU and RIM certificates (its device certificates are valid until 9999, so there is no other
 * way). A response must be successful, signed by the certificate's issuer or by a responder the
 * issuer delegated (id-kp-OCSPSigning), name the certificate (serial and issuer key hash), and
 * be current at the verification time; then its status decides.
 */
import { X509Certificate, createHash, verify as verifySignature } from 'node:crypto';
import { MalformedEvidenceError } from '../domain/result.ts';
import { commonName, signedBy, type ChainProblem } from './certs.ts';
import { children, derOid, derSeq, derTime, derTlv, hexOf, nameAndKeyBits, oidBytes, readOnly, sameBytes, type DerNode } from './der.ts';

const BASIC = oidBytes('1.3.6.1.5.5.7.48.1.1');
const HASHES: [string, string][] = [
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
];
const ECDSA_SIGS: [string, string][] = [
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
];
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const lookup = (t: [string, string][], oid: Uint8Array | undefined) => (oid ? t.find(([o]) => sameBytes(oidBytes(o), oid))?.[1] : undefined);

export interface SingleStatus {
  hash: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  serial: string;
  status: 'good' | 'revoked' | 'unknown';
  thisUpdateMs: number;
  nextUpdateMs?: number;
}

export interface ParsedOcsp {
  tbs: Uint8Array;
  hash: string;
  signature: Uint8Array;
  certs: X509Certificate[];
  responses: SingleStatus[];
  /** The nonce extension, if the responder echoed one. */
  nonce?: Uint8Array;
}

const serialKey = (hex: string): string => hex.toLowerCase().replace(/^0+/, '') || '0';

function single(n: DerNode): SingleStatus {
  const [certId, status, thisUpdate, ...rest] = children(n);
  if (!certId || !status || !thisUpdate) throw new MalformedEvidenceError('OCSP SingleResponse is incomplete');
  const [alg, nameHash, keyHash, serial] = children(certId);
  const hash = lookup(HASHES, alg ? children(alg)[0]?.value : undefined);
  if (!hash || !nameHash || !keyHash || !serial) throw new MalformedEvidenceError('OCSP CertID is not understood');
  const s = status.tag === 0x80 ? 'good' : status.tag === 0xa1 ? 'revoked' : status.tag === 0x82 ? 'unknown' : undefined;
  if (!s) throw new MalformedEvidenceError('OCSP certStatus is not good, revoked or unknown');
  const next = rest.find((r) => r.tag === 0xa0);
  return {
    hash,
    issuerNameHash: hexOf(nameHash.value),
    issuerKeyHash: hexOf(keyHash.value),
    serial: serialKey(hexOf(serial.value)),
    status: s,
    thisUpdateMs: derTime(thisUpdate),
    ...(next ? { nextUpdateMs: derTime(children(next)[0]!) } : {}),
  };
}

export function parseOcsp(der: Uint8Array): ParsedOcsp {
  try {
    const [status, bytes] = children(readOnly(der));
    if (!status || status.tag !== 0x0a || status.value[0] !== 0)
      throw new MalformedEvidenceError(`OCSP response status ${status?.value[0] ?? '?'} is not successful`);
    const [type, octets] = children(children(bytes!)[0]!);
    if (!type || !sameBytes(type.value, BASIC) || !octets) throw new MalformedEvidenceError('not a basic OCSP response');
    const [tbs, alg, sig, certs] = children(readOnly(octets.value));
    const hash = lookup(ECDSA_SIGS, alg ? children(alg)[0]?.value : undefined);
    if (!tbs || !hash || !sig || sig.tag !== 0x03) throw new MalformedEvidenceError('OCSP response signature is not understood');
    const fields = children(tbs);
    const list = fields.find((f, i) => f.tag === 0x30 && i > 0 && fields[i - 1]!.tag === 0x18);
    if (!list) throw new MalformedEvidenceError('OCSP response has no responses');
    const extensions = fields.find((f) => f.tag === 0xa1);
    let nonce: Uint8Array | undefined;
    for (const e of extensions ? children(children(extensions)[0]!) : []) {
      const parts = children(e);
      if (parts[0] && sameBytes(parts[0].value, oidBytes(NONCE))) {
        const v = parts[parts.length - 1]!.value;
        nonce = v[0] === 0x04 ? children({ tag: 0x30, raw: v, value: v })[0]!.value : v;
      }
    }
    return {
      ...(nonce ? { nonce } : {}),
      tbs: tbs.raw,
      hash,
      signature: sig.value.subarray(1),
      certs: certs ? children(children(certs)[0]!).map((c) => new X509Certificate(Buffer.from(c.raw))) : [],
      responses: children(list).map(single),
    };
  } catch (e) {
    if (e instanceof MalformedEvidenceError) throw e;
    throw new MalformedEvidenceError(`OCSP response does not parse: ${(e as Error).message}`);
  }
}

const HASH_OID: Record<string, string> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const NONCE = '1.3.6.1.5.5.7.48.1.2';

/** CertID (RFC 6960 §4.1.1) of `cert` under `issuer`: hash of the issuer's Name and of its public key bits, and the serial. */
export function certId(cert: X509Certificate, issuer: X509Certificate, hash = 'sha384'): Uint8Array {
  const { subject, keyBits } = nameAndKeyBits(new Uint8Array(issuer.raw));
  const serial = Buffer.from(cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber, 'hex');
  const int = serial[0]! & 0x80 ? Buffer.concat([Buffer.of(0), serial]) : serial;
  return derSeq(
    derSeq(derOid(HASH_OID[hash]!), Buffer.from([0x05, 0x00])),
    derTlv(0x04, createHash(hash).update(subject).digest()),
    derTlv(0x04, createHash(hash).update(keyBits).digest()),
    derTlv(0x02, int),
  );
}

/** An OCSPRequest for one certificate, with a nonce extension (critical, as nvtrust sends it). */
export function ocspRequest(cert: X509Certificate, issuer: X509Certificate, nonce: Uint8Array, hash = 'sha384'): Uint8Array {
  const ext = derSeq(derSeq(derOid(NONCE), Buffer.from([0x01, 0x01, 0xff]), derTlv(0x04, derTlv(0x04, nonce))));
  return derSeq(derSeq(derSeq(derSeq(certId(cert, issuer, hash))), derTlv(0xa2, ext)));
}

function signedByKey(p: ParsedOcsp, key: X509Certificate): boolean {
  try {
    return verifySignature(p.hash, p.tbs, key.publicKey, p.signature);
  } catch {
    return false;
  }
}

/** The response's status entry for `cert` issued by `issuer`, if it has one. */
export function statusFor(p: ParsedOcsp, cert: X509Certificate, issuer: X509Certificate): SingleStatus | undefined {
  const { subject, keyBits } = nameAndKeyBits(new Uint8Array(issuer.raw));
  return p.responses.find(
    (r) =>
      r.serial === serialKey(cert.serialNumber) &&
      r.issuerKeyHash === createHash(r.hash).update(keyBits).digest('hex') &&
      r.issuerNameHash === createHash(r.hash).update(subject).digest('hex'),
  );
}

/**
 * Problems with `ocsp` for `cert` issued by `issuer` at `atMs`: unsigned or wrongly signed
 * (chain_untrusted), not naming the certificate or `unknown` (chain_untrusted), not current
 * (chain_expired), `revoked` (revoked_cert).
 */
export function checkOcsp(p: ParsedOcsp, cert: X509Certificate, issuer: X509Certificate, atMs: number, what: string): ChainProblem[] {
  const delegated = p.certs.find((r) => signedBy(r, issuer) && (r.keyUsage ?? []).includes(OCSP_SIGNING) && signedByKey(p, r));
  if (!signedByKey(p, issuer) && !delegated)
    return [{ code: 'chain_untrusted', error: `${what}: the OCSP response is not signed by ${commonName(issuer)} or a responder it delegated` }];
  const mine = statusFor(p, cert, issuer);
  if (!mine) return [{ code: 'chain_untrusted', error: `${what}: the OCSP response does not cover ${commonName(cert)}` }];
  const problems: ChainProblem[] = [];
  if (atMs < mine.thisUpdateMs || (mine.nextUpdateMs !== undefined && atMs > mine.nextUpdateMs))
    problems.push({ code: 'chain_expired', error: `${what}: the OCSP response for ${commonName(cert)} is not current` });
  if (mine.status === 'revoked') problems.push({ code: 'revoked_cert', error: `${what}: ${commonName(cert)} is revoked (OCSP)` });
  if (mine.status === 'unknown') problems.push({ code: 'chain_untrusted', error: `${what}: the responder does not know ${commonName(cert)}` });
  return problems;
}
