/**
 * The handshake (seed §2.4, §7.2): an attested job in ATTESTING proves its hardware. The
 * nonce is consumed first (once); every required attester then judges its evidence against
 * the challenge bound to this job and nonce; the flat claims give the attestation hash, which
 * must not be revoked. Then the first DEK is generated, the job confirmed (ATTESTING → RUNNING,
 * the creation attestation signed with the hash), and the session opened with its first
 * release in one transaction. A refused gate ends the job FAILED `attestation_failed`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isoAt } from '../../platform/clock.ts';
import { logger } from '../../platform/observability.ts';
import { confirmAttested, failAttestation, type Job } from '../../jobs/index.ts';
import type { Verdict } from '../attesters/domain/result.ts';
import { decideGate } from '../domain/gate.ts';
import type { AttesterKey, WireEvidence } from '../domain/evidence.ts';
import { nextDueMs, type Release, type Session } from '../domain/session.ts';
import { privacyError } from '../errors.ts';
import { consumeNonce } from '../store/nonces.ts';
import { revokedAmong } from '../store/revocations.ts';
import { openSession } from '../store/sessions.ts';
import type { PrivacyDeps } from '../deps.ts';
import { countPrivacy } from './metrics.ts';
import { outputGrant, releaseJobInputs } from './inputs.ts';
import type { OutputGrant, WireInput } from '../../artifacts/index.ts';
import { checkTlsKey, issueJobTls, type JobTls, type TlsKeyInput } from './job-tls.ts';

export interface HandshakeInput {
  nonce: string;
  evidence: WireEvidence;
  /** The sidecar's TLS key and its proof of possession: a job certificate comes back when the exchange has a CA. */
  tlsKey?: TlsKeyInput;
}

export interface HandshakeOutput {
  sessionId: string;
  attestationHash: string;
  step: 0;
  /** Base64 of the 32-byte DEK: the only place key material leaves the exchange. */
  dek: string;
  /** The session token (for a split-key share service); stored only as its hash. */
  token: string;
  rotation: { intervalMs: number; graceMs: number; retryDelayMs: number; nextDueAt: string };
  /** The job's inputs released to this attestation (functions/artifacts): keys and presigned GETs for the sidecar. */
  inputs?: WireInput[];
  /** The output slots (when the buyer registered an encryption key). */
  outputs?: OutputGrant;
  /** The job certificate and the CA's (PEM), when a TLS key came and a CA is configured. */
  tls?: JobTls;
}

export async function handshake(d: PrivacyDeps, job: Job, input: HandshakeInput): Promise<HandshakeOutput> {
  if (job.status !== 'ATTESTING' || !job.privacy)
    throw privacyError('job_not_attesting', `job ${job.jobId} is ${job.status}, not ATTESTING`, { status: job.status });
  const now = d.rt.clock.nowMs();
  // A bad TLS key is the caller's error: refused before the nonce is spent.
  const tlsSpki = input.tlsKey ? checkTlsKey(job.jobId, input.nonce, input.tlsKey) : undefined;
  if (!(await consumeNonce(d.sessions, input.nonce, job.jobId, now))) {
    throw privacyError('nonce_invalid', 'the nonce is unknown, used, expired or not this job’s: ask for a new one');
  }
  const nonce = Buffer.from(input.nonce, 'hex');
  const attesters = d.attesters;
  if (!attesters) throw new Error('this privacy composition judges no evidence: compose it with the attesters (privacyHandshakeContext does)');
  const verdicts = new Map<string, Verdict>();
  for (const a of job.privacy.attesters) {
    const key = a as AttesterKey;
    if (input.evidence[key] !== undefined) verdicts.set(a, attesters.verdict(key, input.evidence, job.jobId, nonce));
  }
  const gate = decideGate({ required: job.privacy.attesters, verdicts, developmentAllowed: d.cfg.developmentEvidence });
  if (!gate.ok) {
    countPrivacy('attestationFailures');
    // The gate is the trust decision (KMS cannot judge SNP/TDX/GPU evidence): log each verdict.
    logger.warn('attestation gate refused', { jobId: job.jobId, ...gate });
    await failAttestation(d.jobs, job.jobId);
    throw privacyError('attestation_failed', `the privacy gate refused the evidence: ${gate.reason} (${gate.attester})`, {
      reason: gate.reason,
      attester: gate.attester,
      ...(gate.reason === 'attester_refused' ? { attesterCode: gate.code } : {}),
    });
  }
  if ((await revokedAmong(d.revocations, [{ kind: 'attestation_hash', value: gate.attestationHash }])).length > 0) {
    countPrivacy('attestationFailures');
    await failAttestation(d.jobs, job.jobId);
    throw privacyError('attestation_revoked', `attestation hash ${gate.attestationHash} is revoked`, { attestationHash: gate.attestationHash });
  }

  // The job's inputs, released to this attestation (a refusal fails the job with its code).
  const inputs = await releaseJobInputs(d, job, gate.attestationHash);
  const outputs = await outputGrant(d, job);
  const tls = await issueJobTls(d, job, tlsSpki, now);

  const sessionId = d.rt.ids.next('ses');
  const saltHex = randomBytes(32).toString('hex');
  const token = randomBytes(32).toString('base64url');
  // The key first: a broker that fails leaves the job ATTESTING (its sidecar may retry with a new nonce).
  const key = await d.broker.dataKey({ jobId: job.jobId, attestationHash: gate.attestationHash, sessionId, saltHex, step: 0 });
  try {
    const confirmed = await confirmAttested(d.jobs, job.jobId, gate.attestationHash);
    if (!confirmed.ok) throw privacyError('job_not_attesting', `job ${job.jobId} is ${confirmed.status}, not ATTESTING`, { status: confirmed.status });
    const at = d.rt.clock.nowMs();
    const session: Session = {
      sessionId,
      jobId: job.jobId,
      attestationHash: gate.attestationHash,
      saltHex,
      tokenHash: createHash('sha256').update(token).digest('hex'),
      broker: d.broker.name,
      attesters: [...job.privacy.attesters],
      ...(job.providerId ? { providerId: job.providerId } : {}),
      ...(tls ? { issuedFingerprint: tls.fingerprint } : {}),
      lastStep: 0,
      state: 'open',
      openedAtMs: at,
    };
    const first: Release = { jobId: job.jobId, sessionId, step: 0, attestationHash: gate.attestationHash, broker: d.broker.name, atMs: at };
    if (!(await openSession(d.sessions, session, first, gate.claims))) throw privacyError('job_not_attesting', `job ${job.jobId} already has a session`);
    countPrivacy('keysReleased');
    const r = d.cfg.rotation;
    return {
      sessionId,
      attestationHash: gate.attestationHash,
      step: 0,
      dek: key.plaintext.toString('base64'),
      token,
      rotation: { intervalMs: r.intervalMs, graceMs: r.graceMs, retryDelayMs: r.retryDelayMs, nextDueAt: isoAt(nextDueMs(at, r.intervalMs)) },
      ...(inputs.length ? { inputs } : {}),
      ...(outputs ? { outputs } : {}),
      ...(tls ? { tls } : {}),
    };
  } finally {
    key.plaintext.fill(0);
  }
}
