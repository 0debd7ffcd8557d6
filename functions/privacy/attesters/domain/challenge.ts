/**
 * The challenge that binds evidence to one job. The exchange picks a fresh 32-byte nonce per
 * handshake; the evidence must carry a digest of the job id and that nonce:
 *
 *   cpuReportData(jobId, nonce) = SHA-512( "vracu/attest/v1/report-data" ‖ 0x00 ‖ u32be(len(jobId)) ‖ utf8(jobId) ‖ nonce )   → 64 bytes
 *   gpuSpdmNonce(jobId, nonce)  = SHA-256( "vracu/attest/v1/spdm-nonce"  ‖ 0x00 ‖ u32be(len(jobId)) ‖ utf8(jobId) ‖ nonce )   → 32 bytes
 *
 * The first is REPORT_DATA of an SEV-SNP report or a TDX quote (both 64 bytes), the second the
 * requester nonce of NVIDIA's SPDM GET_MEASUREMENTS (32 bytes). The label and the NUL keep
 * the two digests (and any other use of SHA-512/256) apart; the length prefix keeps
 * (jobId, nonce) pairs from colliding; `len` counts UTF-8 bytes.
 */
import { createHash } from 'node:crypto';
import type { EvidenceKind } from './result.ts';

export const EXCHANGE_NONCE_BYTES = 32;
export const CPU_LABEL = 'vracu/attest/v1/report-data';
export const GPU_LABEL = 'vracu/attest/v1/spdm-nonce';

function preimage(label: string, jobId: string, nonce: Uint8Array): Buffer {
  if (nonce.length !== EXCHANGE_NONCE_BYTES) throw new RangeError(`the exchange nonce must be ${EXCHANGE_NONCE_BYTES} bytes, not ${nonce.length}`);
  if (jobId.length === 0) throw new RangeError('jobId must not be empty');
  const id = Buffer.from(jobId, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(id.length);
  return Buffer.concat([Buffer.from(label, 'ascii'), Buffer.of(0), len, id, nonce]);
}

/** REPORT_DATA an SEV-SNP report or a TDX quote must carry for this job and nonce. */
export const cpuReportData = (jobId: string, nonce: Uint8Array): Uint8Array =>
  new Uint8Array(
    createHash('sha512')
      .update(preimage(CPU_LABEL, jobId, nonce))
      .digest(),
  );

/** The 32-byte SPDM requester nonce an NVIDIA GPU report must carry for this job and nonce. */
export const gpuSpdmNonce = (jobId: string, nonce: Uint8Array): Uint8Array =>
  new Uint8Array(
    createHash('sha256')
      .update(preimage(GPU_LABEL, jobId, nonce))
      .digest(),
  );

/** The expected challenge bytes for a kind of evidence. */
export const challengeFor = (kind: EvidenceKind, jobId: string, nonce: Uint8Array): Uint8Array =>
  kind === 'nvidia' ? gpuSpdmNonce(jobId, nonce) : cpuReportData(jobId, nonce);
