/**
 * The privacy handshake seam (seed 003 §7.2): before the workload starts, the sidecar
 * proves its hardware (attestation evidence), receives a data key, and writes it where
 * the workload reads it (privacy/attested.ts, for attested jobs: the sidecar has a job
 * credential). Other jobs run with `noHandshake`, which attests nothing and releases no key.
 */
import type { WireInput } from './job-artifacts.ts';
import type { OutputGrant } from './artifacts.ts';

export interface HandshakeContext {
  jobId: string;
  workDir: string;
}

export interface HandshakeResult {
  /** The attestation hash the exchange bound the key to; null when nothing was attested. */
  attestationHash: string | null;
  /** Extra environment for the workload (for example the path of the key file). */
  workloadEnv: Record<string, string>;
  /** Files holding secrets (the DEK, TLS keys): zeroized and removed after the workload. */
  secretFiles: string[];
  /** The key rotation loop, started with the workload; `onRevoked` when the exchange ends the session. */
  /** Inputs the privacy gate released with the handshake (attested jobs that name inputs). */
  inputs?: WireInput[];
  /** The output slots that came with the handshake (attested jobs whose buyer registered a key). */
  outputs?: OutputGrant;
  rotation?: { start(onRevoked: (why: string) => void): void; stop(): Promise<void>; readonly steps: number[] };
}

export interface PrivacyHandshake {
  /** Throws when the handshake fails: the workload must not start with stale evidence. */
  perform(ctx: HandshakeContext): Promise<HandshakeResult>;
}

/** No attestation, no key: the workload runs on the exchange's "ephemeral-container" tier. */
export const noHandshake: PrivacyHandshake = {
  async perform() {
    return { attestationHash: null, workloadEnv: {}, secretFiles: [] };
  },
};
