/**
 * Intel TDX (DCAP quote v4/v5): the quote's ECDSA P-256 signature by the attestation key, the
 * QE report's signature by the PCK key and its binding REPORT_DATA = SHA-256(attestation key ‖
 * QE auth data) ‖ 0³², the PCK chain to the pinned Intel SGX Root CA, the CRLs and the TCB
 * status from the collateral when given, then the policy (domain/tdx/policy.ts).
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject, type X509Certificate } from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import { Findings, MalformedEvidenceError, rejected, type Verdict } from '../domain/result.ts';
import { constantTimeEqual } from '../domain/bytes.ts';
import { TEE_TYPE_TDX, parseTdxQuote, type TdxQuote } from '../domain/tdx/quote.ts';
import { applyTdxPolicy, tdxClaims, type TdxClaims, type TdxPolicy } from '../domain/tdx/policy.ts';
import { tdxCollateralSchema, type TdxCollateral } from '../domain/tdx/collateral.ts';
import { PINNED, type TrustAnchors } from '../roots/trust.ts';
import { anchor, checkChain, commonName, parseCertificates } from '../x509/certs.ts';
import { checkRevocation, parseCrl } from '../x509/crl.ts';
import { dcapTcbStatus } from './dcap.ts';

export interface TdxEvidence {
  /** The quote as the guest's quote provider wrote it (trailing padding is tolerated). */
  quote: Uint8Array;
  /** PCS collateral (TCB info, QE identity, CRLs); without it the TCB status is not evaluated. */
  collateral?: TdxCollateral;
}

const PCK_LEAF_CN = 'Intel SGX PCK Certificate';
const PCK_CA_CNS = ['Intel SGX PCK Platform CA', 'Intel SGX PCK Processor CA'];

const p1363 = (data: Uint8Array, key: KeyObject | X509Certificate['publicKey'], sig: Uint8Array): boolean => {
  try {
    return verifySignature('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    return false;
  }
};

function attestationKey(raw: Uint8Array): KeyObject | undefined {
  try {
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(raw.subarray(0, 32)), y: b64(raw.subarray(32, 64)) }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

export function verifyTdx(evidence: TdxEvidence, challenge: Uint8Array, policy: TdxPolicy, clock: Clock, trust: TrustAnchors = PINNED): Verdict<TdxClaims> {
  const atMs = clock.nowMs();
  let q: TdxQuote;
  let chain: X509Certificate[];
  let collateral: TdxCollateral | undefined;
  try {
    q = parseTdxQuote(evidence.quote);
    chain = parseCertificates(q.pckChainPem, 'PCK chain');
    if (evidence.collateral) {
      const c = tdxCollateralSchema.safeParse(evidence.collateral);
      if (!c.success) throw new MalformedEvidenceError(`collateral: ${c.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      collateral = c.data;
    }
  } catch (e) {
    if (e instanceof MalformedEvidenceError) return rejected('malformed', e.message);
    throw e;
  }
  const f = new Findings();
  if (q.teeType !== TEE_TYPE_TDX) f.fail('wrong_product', `TEE type 0x${q.teeType.toString(16)} is not TDX (0x81)`);
  const root = anchor(trust.intel);
  const leaf = chain[0]!;
  const mid = chain[1];
  if (chain.length < 2 || commonName(leaf) !== PCK_LEAF_CN || !mid || !PCK_CA_CNS.includes(commonName(mid))) {
    f.fail('chain_untrusted', `the PCK chain is not PCK certificate → PCK Platform/Processor CA → root (${chain.map(commonName).join(' → ')})`);
  }
  for (const p of checkChain(chain, root, atMs, 'PCK chain')) f.fail(p.code, p.error);
  if (leaf.ca) f.fail('chain_untrusted', 'the PCK certificate is a CA certificate');

  if (collateral && mid) {
    try {
      for (const p of checkRevocation(parseCrl(Buffer.from(collateral.pck_crl, 'hex')), mid, [leaf], atMs, 'PCK CRL')) f.fail(p.code, p.error);
      for (const p of checkRevocation(parseCrl(Buffer.from(collateral.root_ca_crl, 'hex')), root, [mid], atMs, 'root CA CRL')) f.fail(p.code, p.error);
    } catch (e) {
      if (!(e instanceof MalformedEvidenceError)) throw e;
      f.fail('malformed', e.message);
    }
  }

  if (!p1363(q.qeReport.raw, leaf.publicKey, q.qeReportSignature)) f.fail('bad_signature', 'the QE report is not signed by the PCK key');
  const binding = Buffer.concat([createHash('sha256').update(q.attestationKey).update(q.qeAuthData).digest(), Buffer.alloc(32)]);
  if (!constantTimeEqual(q.qeReport.reportData, binding))
    f.fail('bad_signature', 'the QE report does not bind the attestation key (REPORT_DATA ≠ SHA-256(key ‖ auth data))');
  const ak = attestationKey(q.attestationKey);
  if (!ak) f.fail('bad_signature', 'the attestation key is not a valid P-256 point');
  else if (!p1363(q.signed, ak, q.signature)) f.fail('bad_signature', 'the quote is not signed by its attestation key');

  applyTdxPolicy(q, challenge, policy, f);

  let tcb = { status: 'not_evaluated', advisoryIds: [] as string[] };
  if (collateral && q.teeType === TEE_TYPE_TDX) {
    const out = dcapTcbStatus(evidence.quote, q, collateral, root, atMs);
    // dcap-qvl stops at its first error; one we cannot map (malformed) on evidence our own checks
    // already rejected is a consequence of what they found, not a finding of its own.
    if (!out.ok) {
      if (!(out.code === 'malformed' && !f.ok)) f.fail(out.code, out.error);
    } else {
      tcb = { status: out.status, advisoryIds: out.advisoryIds };
      if (!(policy.acceptedTcbStatuses as readonly string[]).includes(out.status))
        f.fail('tcb_too_low', `TCB status ${out.status} is not accepted (${policy.acceptedTcbStatuses.join(', ')})`);
    }
  } else if (policy.requireCollateral) {
    f.fail('tcb_too_low', 'no TCB info or QE identity: the TCB level cannot be established');
  }
  return f.verdict(tdxClaims(q, tcb));
}
