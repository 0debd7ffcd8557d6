/**
 * The next step's DEK (seed §2.5): the session must be open and unrevoked, the step above the
 * last released one; the release is recorded (write-once) in the same transaction that moves
 * the session's last step, so a repeated or lower step, or a cancelled session, releases nothing.
 */
import { isoAt } from '../../platform/clock.ts';
import type { Job } from '../../jobs/index.ts';
import { nextDueMs, stepRefusal, type Release } from '../domain/session.ts';
import { privacyError } from '../errors.ts';
import { getSession, recordRelease } from '../store/sessions.ts';
import type { PrivacyDeps } from '../deps.ts';
import { countPrivacy } from './metrics.ts';
import { liveSession } from './revoked.ts';

export async function releaseStep(d: PrivacyDeps, job: Job, step: number): Promise<{ sessionId: string; step: number; dek: string; nextDueAt: string }> {
  const session = await liveSession(d, job);
  const refusal = stepRefusal(session, step);
  if (refusal)
    throw privacyError(
      refusal,
      refusal === 'step_not_increasing' ? `step ${step} is not above the last released step ${session.lastStep}` : 'session not open',
      { lastStep: session.lastStep },
    );
  const key = await d.broker.dataKey({
    jobId: job.jobId,
    attestationHash: session.attestationHash,
    sessionId: session.sessionId,
    saltHex: session.saltHex,
    step,
  });
  try {
    const at = d.rt.clock.nowMs();
    const release: Release = {
      jobId: job.jobId,
      sessionId: session.sessionId,
      step,
      attestationHash: session.attestationHash,
      broker: d.broker.name,
      atMs: at,
    };
    if (!(await recordRelease(d.sessions, release))) {
      // Another release or a cancellation won the race: say which, release nothing.
      const now = await getSession(d.sessions, session.sessionId);
      const again = now ? stepRefusal(now, step) : 'session_not_open';
      throw privacyError(again ?? 'step_not_increasing', `step ${step} was not released`, { lastStep: now?.lastStep ?? session.lastStep });
    }
    countPrivacy('keysReleased');
    return { sessionId: session.sessionId, step, dek: key.plaintext.toString('base64'), nextDueAt: isoAt(nextDueMs(at, d.cfg.rotation.intervalMs)) };
  } finally {
    key.plaintext.fill(0);
  }
}
