/**
 * The gate's attesters: the hardware verifiers of functions/privacy/attesters (SEV-SNP, TDX,
 * NVIDIA, against their pinned roots, with the configured policy and the injected clock) and
 * the development attester, each given the challenge bound to the job and nonce.
 */
import type { Clock } from '../../platform/clock.ts';
import { verify, type AttestationPolicy } from '../attesters/verify.ts';
import { challengeFor } from '../attesters/domain/challenge.ts';
import type { Verdict } from '../attesters/domain/result.ts';
import { tdxCollateralSchema } from '../attesters/domain/tdx/collateral.ts';
import { verifyDevelopment } from '../domain/development.ts';
import type { AttesterKey, WireEvidence } from '../domain/evidence.ts';

export interface Attesters {
  /** The verdict of `attester` on the evidence given for it, challenged with this job and nonce. */
  verdict(attester: AttesterKey, evidence: WireEvidence, jobId: string, nonce: Uint8Array): Verdict;
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
/** A certificate as given: PEM text stays text, anything else is base64 DER. */
const cert = (c: string): Uint8Array | string => (c.includes('-----BEGIN') ? c : bytes(c));

export function gateAttesters(policy: AttestationPolicy, clock: Clock): Attesters {
  return {
    verdict(attester, ev, jobId, nonce) {
      switch (attester) {
        case 'development':
          return verifyDevelopment(ev.development!, challengeFor('snp', jobId, nonce));
        case 'snp': {
          const e = ev.snp!;
          return verify(
            {
              kind: 'snp',
              report: bytes(e.report),
              ...(e.certificates ? { certificates: e.certificates.map(cert) } : {}),
              ...(e.crl ? { crl: cert(e.crl) } : {}),
            },
            challengeFor('snp', jobId, nonce),
            policy,
            clock,
          );
        }
        case 'tdx': {
          const e = ev.tdx!;
          const collateral = e.collateral ? tdxCollateralSchema.safeParse(e.collateral) : undefined;
          if (collateral && !collateral.success) return { valid: false, code: 'malformed', error: 'the TDX collateral does not have the PCS shape' };
          return verify(
            { kind: 'tdx', quote: bytes(e.quote), ...(collateral?.success ? { collateral: collateral.data } : {}) },
            challengeFor('tdx', jobId, nonce),
            policy,
            clock,
          );
        }
        case 'nvidia': {
          const e = ev.nvidia!;
          return verify(
            {
              kind: 'nvidia',
              report: bytes(e.report),
              certificates: e.certificates.map(cert),
              ...(e.ccMode ? { ccMode: e.ccMode } : {}),
              ...(e.rims ? { references: { rims: e.rims } } : {}),
            },
            challengeFor('nvidia', jobId, nonce),
            policy,
            clock,
          );
        }
      }
    },
  };
}
