/**
 * The development attester: the local stack's stand-in for hardware (no SEV-SNP, TDX or GPU
 * here). Its evidence is only the challenge itself, so it proves nothing about hardware, and
 * its claims say so; a prod stage refuses it (domain/gate.ts). It still binds the evidence
 * to the job and the single-use nonce, so replay and cross-job use are refused as for real evidence.
 */
import { timingSafeEqual } from 'node:crypto';
import { cpuReportData } from '../attesters/domain/challenge.ts';
import type { Verdict } from '../attesters/domain/result.ts';

export interface DevelopmentEvidence {
  /** Hex of cpuReportData(jobId, nonce): what a guest would put in REPORT_DATA. */
  reportData: string;
}

export const DEVELOPMENT_CLAIMS = { development: true, hardware: 'none', warning: 'development evidence: not hardware-backed; refused by prod' } as const;

/** What a development evidence provider sends for this job and nonce (the sidecar's, and tests'). */
export const developmentEvidence = (jobId: string, nonce: Uint8Array): DevelopmentEvidence => ({
  reportData: Buffer.from(cpuReportData(jobId, nonce)).toString('hex'),
});

export function verifyDevelopment(evidence: DevelopmentEvidence, challenge: Uint8Array): Verdict {
  if (!/^[0-9a-f]{128}$/.test(evidence.reportData)) return { valid: false, code: 'malformed', error: 'reportData must be 64 bytes of lower-case hex' };
  const got = Buffer.from(evidence.reportData, 'hex');
  if (challenge.length !== got.length || !timingSafeEqual(got, challenge)) {
    return { valid: false, code: 'nonce_mismatch', error: 'reportData is not the challenge of this job and nonce' };
  }
  return { valid: true, claims: { ...DEVELOPMENT_CLAIMS, reportData: evidence.reportData } };
}
