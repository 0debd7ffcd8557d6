/**
 * The attested handshake (seed §7.2, §7.7), filling the sidecar's seam: once, before the
 * workload starts — a nonce, evidence over the challenge, the handshake; the first DEK is
 * written to the secrets dir (0600) and the workload told its path (VRACU_DEK_PATH). Then the
 * rotation loop: sleep the interval minus the grace, ask for the next step's key, overwrite
 * the old one before writing the new, acknowledge; a failed call is retried after the retry
 * delay; a refusal meaning the session is over (revoked, or the job ended) calls `onRevoked`.
 */
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandshakeContext, HandshakeResult, PrivacyHandshake } from '../handshake.ts';
import { PrivacyClient, PrivacyRefusal } from './client.ts';
import { writeDek } from './dek-file.ts';
import type { AttesterName, EvidenceProvider } from './evidence.ts';

export interface AttestedSettings {
  exchangeUrl: string;
  credential: string;
  attesters: readonly AttesterName[];
  secretsDir: string;
  workloadUid?: number | undefined;
}

export interface RotationControl {
  start(onRevoked: (why: string) => void): void;
  /** Ends the loop once a rotation in flight has settled, so no key is written after the zeroize. */
  stop(): Promise<void>;
  /** Steps released and acknowledged so far (the report's). */
  readonly steps: number[];
}

export type AttestedResult = HandshakeResult & { rotation: RotationControl; sessionId: string };

/** The fingerprint acknowledged with a step until the TLS bundle lands: of the DEK file's path and step, never of the key. */
const fingerprintOf = (label: string) => `sha256:${createHash('sha256').update(label).digest('hex')}`;

export function attestedHandshake(
  s: AttestedSettings,
  evidence: EvidenceProvider,
  fetchImpl: typeof fetch = fetch,
): PrivacyHandshake & { perform(ctx: HandshakeContext): Promise<AttestedResult> } {
  return {
    async perform(ctx) {
      const client = new PrivacyClient(s.exchangeUrl, ctx.jobId, s.credential, fetchImpl);
      const { nonce } = await client.nonce();
      const ev = await evidence.evidence(s.attesters, ctx.jobId, Buffer.from(nonce, 'hex'));
      const reply = await client.handshake(nonce, ev);
      await mkdir(s.secretsDir, { recursive: true, mode: 0o700 });
      await chmod(s.secretsDir, 0o700);
      if (s.workloadUid !== undefined) await chown(s.secretsDir, s.workloadUid, s.workloadUid);
      const dekPath = join(s.secretsDir, 'dek');
      const first = Buffer.from(reply.dek, 'base64');
      try {
        await writeDek(dekPath, first, s.workloadUid);
      } finally {
        first.fill(0);
      }
      const steps: number[] = [0];
      let timer: NodeJS.Timeout | undefined;
      let inFlight: Promise<void> | undefined;
      let stopped = false;
      let step = 0;
      const r = reply.rotation;
      const rotation: RotationControl = {
        steps,
        start(onRevoked) {
          const schedule = (ms: number) => {
            if (stopped) return;
            timer = setTimeout(
              () => {
                inFlight = tick();
              },
              Math.max(0, ms),
            );
            timer.unref?.();
          };
          const tick = async () => {
            if (stopped) return;
            try {
              const next = await client.dek(step + 1);
              const key = Buffer.from(next.dek, 'base64');
              // Stopped while asking: the workload is gone, the key is not written (the release log keeps the unacknowledged step).
              if (stopped) return void key.fill(0);
              try {
                await writeDek(dekPath, key, s.workloadUid);
              } finally {
                key.fill(0);
              }
              step = next.step;
              await client.ack(step, fingerprintOf(`${dekPath}#${step}`));
              steps.push(step);
              schedule(r.intervalMs - r.graceMs);
            } catch (e) {
              if (e instanceof PrivacyRefusal && e.revoked) {
                stopped = true;
                onRevoked(e.code);
                return;
              }
              schedule(r.retryDelayMs);
            }
          };
          schedule(r.intervalMs - r.graceMs);
        },
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await inFlight;
        },
      };
      return {
        attestationHash: reply.attestationHash,
        sessionId: reply.sessionId,
        workloadEnv: { VRACU_DEK_PATH: dekPath },
        secretFiles: [dekPath],
        rotation,
        ...(reply.inputs?.length ? { inputs: reply.inputs } : {}),
        ...(reply.outputs ? { outputs: reply.outputs } : {}),
      };
    },
  };
}
