/** API views of the privacy context: never key material, salt or token (only what a buyer may audit). */
import { isoAt } from '../platform/clock.ts';
import type { Job } from '../jobs/index.ts';
import type { FlatClaims } from './domain/claims.ts';
import type { Revocation } from './domain/revocation.ts';
import type { Release, Session } from './domain/session.ts';

export function sessionView(s: Session, jobEnded: boolean) {
  // A session still open when its job ended is over: no credential opens it any more.
  const state = s.state === 'open' && jobEnded ? 'closed' : s.state;
  return {
    sessionId: s.sessionId,
    state,
    attestationHash: s.attestationHash,
    broker: s.broker,
    lastStep: s.lastStep,
    ...(s.ackedStep !== undefined ? { acknowledgedStep: s.ackedStep } : {}),
    ...(s.certificateFingerprint ? { certificateFingerprint: s.certificateFingerprint } : {}),
    openedAt: isoAt(s.openedAtMs),
    ...(s.endedAtMs !== undefined ? { endedAt: isoAt(s.endedAtMs) } : {}),
    ...(s.cancelReason ? { cancelReason: s.cancelReason } : {}),
  };
}

export const releaseView = (r: Release) => ({
  jobId: r.jobId,
  sessionId: r.sessionId,
  step: r.step,
  attestationHash: r.attestationHash,
  broker: r.broker,
  at: isoAt(r.atMs),
});

export function privacyView(job: Job, session: Session | null, claims: FlatClaims | null, releases: Release[], jobEnded: boolean) {
  return {
    jobId: job.jobId,
    status: job.status,
    tier: job.privacy ? ('attested' as const) : ('ephemeral-container' as const),
    requiredAttesters: job.privacy?.attesters ?? [],
    claims,
    attestationHash: session?.attestationHash ?? job.attestationHash ?? null,
    session: session ? sessionView(session, jobEnded) : null,
    releases: releases.map(releaseView),
  };
}

export const revocationView = (r: Revocation) => ({ kind: r.kind, value: r.value, reason: r.reason, revokedAt: isoAt(r.revokedAtMs), by: r.by });
