/** A fresh 32-byte handshake nonce for an attested job in ATTESTING, valid once and for VRACU_PRIVACY_NONCE_TTL_MS. */
import { randomBytes } from 'node:crypto';
import { isoAt } from '../../platform/clock.ts';
import type { Job } from '../../jobs/index.ts';
import { EXCHANGE_NONCE_BYTES } from '../attesters/domain/challenge.ts';
import { privacyError } from '../errors.ts';
import { putNonce } from '../store/nonces.ts';
import type { PrivacyDeps } from '../deps.ts';

export async function issueNonce(d: PrivacyDeps, job: Job): Promise<{ nonce: string; expiresAt: string }> {
  if (job.status !== 'ATTESTING') throw privacyError('job_not_attesting', `job ${job.jobId} is ${job.status}, not ATTESTING`, { status: job.status });
  const nonce = randomBytes(EXCHANGE_NONCE_BYTES).toString('hex');
  const expiresAtMs = d.rt.clock.nowMs() + d.cfg.nonceTtlMs;
  await putNonce(d.sessions, nonce, job.jobId, expiresAtMs);
  return { nonce, expiresAt: isoAt(expiresAtMs) };
}
