/** Version and next-update facts read from collateral bodies, so every origin labels records the same way. */
import { X509Certificate } from 'node:crypto';
import { collateralIssue, collateralNextUpdateMs, type TdxCollateral } from '../domain/tdx/collateral.ts';
import { parseCrl } from '../x509/crl.ts';
import type { CollateralRecord } from './source.ts';

/** An immutable certificate (VCEK, chain): no next update; version = its notBefore. */
export function certificateRecord(key: string, bytes: Uint8Array, fetchedAtMs: number): CollateralRecord {
  const text = Buffer.from(bytes).toString('latin1');
  const first = text.includes('BEGIN CERTIFICATE')
    ? new X509Certificate(text.slice(text.indexOf('-----BEGIN CERTIFICATE-----')))
    : new X509Certificate(Buffer.from(bytes));
  return { key, body: Buffer.from(bytes).toString('base64'), version: { sequence: 0, issuedAtMs: Date.parse(first.validFrom) }, fetchedAtMs };
}

/** A CRL: version = thisUpdate; refresh at nextUpdate. */
export function crlRecord(key: string, der: Uint8Array, fetchedAtMs: number): CollateralRecord {
  const p = parseCrl(der);
  const next = p.nextUpdateMs !== undefined ? { nextUpdateMs: p.nextUpdateMs } : {};
  return { key, body: Buffer.from(der).toString('base64'), version: { sequence: 0, issuedAtMs: p.thisUpdateMs }, ...next, fetchedAtMs };
}

/** TDX collateral: version = (tcbEvaluationDataNumber, issueDate); refresh at the earlier nextUpdate. */
export function tdxRecord(key: string, c: TdxCollateral, fetchedAtMs: number): CollateralRecord {
  const i = collateralIssue(c);
  return {
    key,
    body: JSON.stringify(c),
    version: { sequence: i.evaluationDataNumber, issuedAtMs: i.issueMs },
    nextUpdateMs: collateralNextUpdateMs(c),
    fetchedAtMs,
  };
}

/** A RIM document: immutable per id; version = the signer certificate's notBefore is not needed, 0 will do. */
export function rimRecord(key: string, xml: string, fetchedAtMs: number): CollateralRecord {
  return { key, body: Buffer.from(xml, 'utf8').toString('base64'), version: { sequence: 0, issuedAtMs: 0 }, fetchedAtMs };
}
