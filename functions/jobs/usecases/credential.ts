/**
 * The job credential (issue: confidential jobs): minted at launch for an attested job, given
 * to its sidecar alone, stored only as its SHA-256. It is scoped to the job and its one
 * container (a job records one container; a second is stopped), and it expires with the job:
 * the privacy routes accept it only while the job holds its container and before its deadline.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Job } from '../domain/job.ts';
import { mayHaveContainer } from '../domain/lifecycle.ts';

/** `vj_` and 43 characters of base64url (256 bits). */
export const JOB_CREDENTIAL_PATTERN = /^vj_[A-Za-z0-9_-]{43}$/;

export const hashJobCredential = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export function mintJobCredential(): { secret: string; hash: string } {
  const secret = `vj_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashJobCredential(secret) };
}

/** Why a presented credential is not this job's live credential, or null when it is. */
export function credentialProblem(job: Job, secret: string | undefined, nowMs: number): 'missing' | 'wrong' | 'expired' | null {
  if (!secret) return 'missing';
  if (!JOB_CREDENTIAL_PATTERN.test(secret) || !job.credentialHash) return 'wrong';
  const a = Buffer.from(hashJobCredential(secret), 'hex');
  const b = Buffer.from(job.credentialHash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'wrong';
  if (!mayHaveContainer(job.status) || !job.containerId || (job.deadlineMs !== undefined && nowMs > job.deadlineMs)) return 'expired';
  return null;
}
