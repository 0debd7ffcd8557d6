/**
 * A key-release session (seed §2.2 SessionState): opened by a passing handshake, bound to one
 * job and attestation hash; each DEK release names a step that must exceed the last; a
 * revocation cancels it, the job's end closes it. The rules are pure; the store makes each
 * change a conditional write from the state these functions checked.
 */
export type SessionState = 'open' | 'cancelled' | 'closed';

export interface Session {
  sessionId: string;
  jobId: string;
  attestationHash: string;
  /** Hex; the split-key and static brokers derive each step's DEK with it. */
  saltHex: string;
  /** SHA-256 (hex) of the session token the sidecar holds (the share service's credential). */
  tokenHash: string;
  broker: string;
  attesters: string[];
  /** Where the job runs: a provider revocation cancels the sessions on it. */
  providerId?: string;
  lastStep: number;
  ackedStep?: number;
  /** The fingerprint the last acknowledgement named. */
  certificateFingerprint?: string;
  /** The job certificate the handshake issued (sha256:<hex of its DER>): acknowledgements must name it. */
  issuedFingerprint?: string;
  state: SessionState;
  cancelReason?: string;
  openedAtMs: number;
  endedAtMs?: number;
}

/** One line of the key-release log: what was released to whom, never the key. */
export interface Release {
  jobId: string;
  sessionId: string;
  step: number;
  attestationHash: string;
  broker: string;
  atMs: number;
}

export type StepRefusal = 'session_not_open' | 'step_not_increasing';
export type AckRefusal = 'session_not_open' | 'step_not_released' | 'step_already_acknowledged';

/** Why the next DEK for `step` may not be released, or null. */
export function stepRefusal(s: Session, step: number): StepRefusal | null {
  if (s.state !== 'open') return 'session_not_open';
  if (step <= s.lastStep) return 'step_not_increasing';
  return null;
}

/** Why a rotation acknowledgement of `step` is refused, or null: only a released step, each once, in order. */
export function ackRefusal(s: Session, step: number): AckRefusal | null {
  if (s.state !== 'open') return 'session_not_open';
  if (step > s.lastStep) return 'step_not_released';
  if (s.ackedStep !== undefined && step <= s.ackedStep) return 'step_already_acknowledged';
  return null;
}

/** When the sidecar should ask for the next step's key: the interval after the last release. */
export const nextDueMs = (releasedAtMs: number, intervalMs: number): number => releasedAtMs + intervalMs;
