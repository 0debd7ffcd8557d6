/**
 * The attested handshake (seed §7.2, §7.7), filling the sidecar's seam: once, before the
 * workload starts — a nonce, evidence over the challenge, the handshake; the first DEK is
 * written to the secrets dir (0600) and the workload told its path (VRACU_DEK_PATH). Then the
 * rotation loop: sleep the interval minus the grace, ask for the next step's key, overwrite
 * the old one before writing the new, acknowledge; a failed call is retried after the retry
 * delay; a refusal meaning the session is over (revoked, or the job ended) calls `onRevoked`.
 * The TLS key (ECDSA P-256) is made here, before the handshake, and never leaves the
 * container: the exchange gets its public half with a proof of possession and, when it has a
 * CA, returns the job certificate; ca.pem, cert.pem and key.pem (0600, the workload's) go to
 * the secrets dir and the workload gets TLS_CA_PATH, TLS_CERT_PATH and TLS_KEY_PATH.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandshakeContext, HandshakeResult, PrivacyHandshake } from '../handshake.ts';
import { PrivacyClient, PrivacyRefusal } from './client.ts';
import { possessionMessage } from '../../functions/privacy/domain/job-certificate.ts';
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

/** Without a job certificate (an exchange with no CA), the acknowledgement names the DEK file's path and step, never the key. */
const fingerprintOf = (label: string) => `sha256:${createHash('sha256').update(label).digest('hex')}`;

async function writeSecret(path: string, content: string, uid: number | undefined): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  if (uid !== undefined) await chown(path, uid, uid);
}

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
      const tlsKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const reply = await client.handshake(nonce, ev, {
        publicKey: tlsKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        proof: sign('sha256', possessionMessage(ctx.jobId, nonce), tlsKey.privateKey).toString('base64'),
      });
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
      const tlsFiles: Record<string, string> = {};
      if (reply.tls) {
        const paths = { TLS_CA_PATH: join(s.secretsDir, 'ca.pem'), TLS_CERT_PATH: join(s.secretsDir, 'cert.pem'), TLS_KEY_PATH: join(s.secretsDir, 'key.pem') };
        await writeSecret(paths.TLS_CA_PATH, reply.tls.caCertificate, s.workloadUid);
        await writeSecret(paths.TLS_CERT_PATH, reply.tls.certificate, s.workloadUid);
        await writeSecret(paths.TLS_KEY_PATH, tlsKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), s.workloadUid);
        Object.assign(tlsFiles, paths);
      }
      const fingerprint = (step: number) => reply.tls?.fingerprint ?? fingerprintOf(`${dekPath}#${step}`);
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
              await client.ack(step, fingerprint(step));
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
        workloadEnv: { VRACU_DEK_PATH: dekPath, ...tlsFiles },
        // The key is zeroized with the DEK; the certificates are public.
        secretFiles: [dekPath, ...(tlsFiles.TLS_KEY_PATH ? [tlsFiles.TLS_KEY_PATH] : [])],
        rotation,
        ...(reply.inputs?.length ? { inputs: reply.inputs } : {}),
        ...(reply.outputs ? { outputs: reply.outputs } : {}),
      };
    },
  };
}
