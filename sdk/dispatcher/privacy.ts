/**
 * Offline verification of a pool's attestations, against the public keys the exchange's
 * agent registry lists (never against a key shipped with the attestation itself).
 */
import { verifyReleaseLog, type PrivacyViewInput } from '../../functions/jobs/domain/release-log.ts';
import { verifyAttestations, type VerifyResult } from '../../functions/jobs/domain/verify.ts';

export interface AttestedJob {
  jobId: string;
  status: string;
  jobHash: string;
  agent: { name: string; identity: string; publicKey: string } | null;
  creation: Record<string, unknown> | null;
  deletion: Record<string, unknown> | null;
}

export interface PrivacyStats {
  jobs: number;
  /** Jobs that had a container (a creation attestation, or an agent and a deletion). */
  withContainer: number;
  created: number;
  destroyed: number;
  verified: number;
  /** Jobs with a container but a missing attestation. */
  missing: number;
  failed: { jobId: string; problems: string[] }[];
  lifetimeMs: { min: number; p50: number; max: number } | null;
}

/** With the job's privacy view, its key-release log is checked against the attestations too. */
export function verifyJob(job: AttestedJob, publicKeys: Map<string, string>, privacy?: PrivacyViewInput): VerifyResult {
  const name = (job.creation?.agentId as string | undefined) ?? job.agent?.name;
  const key = name ? publicKeys.get(name) : undefined;
  if (!key) return { ok: false, problems: ['agent_not_registered'] };
  const expected = { jobId: job.jobId, jobHash: job.jobHash, ...(privacy?.attestationHash ? { attestationHash: privacy.attestationHash } : {}) };
  const r = verifyAttestations({ creation: job.creation, deletion: job.deletion, publicKeyHex: key, expected });
  if (!privacy) return r;
  const problems = [...r.problems, ...verifyReleaseLog(privacy, job.creation, job.deletion).filter((p) => !r.problems.includes(p))];
  return { ...r, ok: problems.length === 0, problems };
}

export function privacyStats(jobs: AttestedJob[], publicKeys: Map<string, string>): PrivacyStats {
  const lifetimes: number[] = [];
  const s: PrivacyStats = { jobs: jobs.length, withContainer: 0, created: 0, destroyed: 0, verified: 0, missing: 0, failed: [], lifetimeMs: null };
  for (const j of jobs) {
    if (j.creation) s.created++;
    if (j.deletion) s.destroyed++;
    if (!j.creation && !j.deletion) continue;
    s.withContainer++;
    if (!j.creation || !j.deletion) s.missing++;
    const r = verifyJob(j, publicKeys);
    if (r.ok) s.verified++;
    else s.failed.push({ jobId: j.jobId, problems: r.problems });
    if (r.ok && r.lifetimeMs !== undefined) lifetimes.push(r.lifetimeMs);
  }
  if (lifetimes.length) {
    lifetimes.sort((a, b) => a - b);
    s.lifetimeMs = { min: lifetimes[0]!, p50: lifetimes[Math.floor((lifetimes.length - 1) / 2)]!, max: lifetimes[lifetimes.length - 1]! };
  }
  return s;
}
