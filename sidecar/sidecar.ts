/**
 * The sidecar's run (seed 003 §7): handshake → workload → zeroize → wipe → report. Two
 * modes: `run`, the workload command is its child (a single-container image); `watch`, the
 * workload is the task's other container, followed through the task metadata endpoint
 * (the ECS task of lib/stacks/compute.ts: the sidecar is essential, so its exit ends the task). The sidecar's exit code is
 * the workload's (so ECS reports it as the container's), except: 124 when the deadline
 * ended the workload, 127 when it could not start, 70 when the handshake failed, 78 for
 * bad settings. The last line on stderr is the JSON report.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { noHandshake, type HandshakeResult, type PrivacyHandshake } from './handshake.ts';
import { loadSettings, SettingsError, workloadEnv } from './settings.ts';
import { startWorkload, type WorkloadResult } from './workload.ts';
import { watchContainer } from './task-metadata.ts';
import { wipeDirs, zeroizeFiles } from './cleanup.ts';
import { attestedHandshake } from './privacy/attested.ts';
import { sidecarEvidence } from './privacy/evidence.ts';
import { ArtifactsClient, finishArtifacts, prepareArtifacts, zeroizeArtifacts, type PreparedArtifacts } from './job-artifacts.ts';

export const EXIT_TIMEOUT = 124;
export const EXIT_CANNOT_START = 127;
export const EXIT_HANDSHAKE_FAILED = 70;
export const EXIT_BAD_SETTINGS = 78;
/** An input could not be given to the workload, or an output not kept (the job ends FAILED with the code). */
export const EXIT_ARTIFACTS_FAILED = 73;

export interface SidecarReport {
  type: 'sidecar:completed' | 'sidecar:failed';
  jobId: string | null;
  exitCode: number;
  workloadExitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stopped: boolean;
  attestationHash: string | null;
  /** Key steps released to the workload (attested jobs). */
  keySteps: number[];
  /** Why the exchange ended the session while the workload ran (then it was stopped and its keys zeroized). */
  revoked: string | null;
  startedAt: string;
  endedAt: string;
  zeroizedFiles: number;
  wipedDirs: string[];
  /** Jobs with a credential: inputs decrypted, outputs sealed and reported (null: the buyer has no key). */
  artifacts?: { inputs: number; outputs: { name: string; size: number; merkleRoot: string }[] | null };
  error?: string;
}

export interface SidecarIo {
  env: NodeJS.ProcessEnv;
  /** The workload command (what follows `--`). */
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  nowMs: () => number;
  handshake?: PrivacyHandshake;
  /** For watch mode's metadata requests (tests point it elsewhere). */
  fetchImpl?: typeof fetch;
  /** Registers the stop handler (SIGTERM from ECS StopTask); returns an unregister function. */
  onStop?: (stop: () => void) => () => void;
}

export async function runSidecar(io: SidecarIo): Promise<SidecarReport> {
  const startedAt = new Date(io.nowMs()).toISOString();
  const report = (r: Omit<SidecarReport, 'startedAt' | 'endedAt'>): SidecarReport => {
    const full = { ...r, startedAt, endedAt: new Date(io.nowMs()).toISOString() };
    io.stderr.write(`${JSON.stringify(full)}\n`);
    return full;
  };

  let settings;
  try {
    settings = loadSettings(io.env, io.argv);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return report({ ...empty(null), type: 'sidecar:failed', exitCode: EXIT_BAD_SETTINGS, error: err.message });
  }

  let hs: HandshakeResult;
  const handshake =
    io.handshake ?? (settings.privacy ? attestedHandshake(settings.privacy, sidecarEvidence({ tsmDir: settings.privacy.tsmDir }), io.fetchImpl) : noHandshake);
  try {
    hs = await handshake.perform({ jobId: settings.jobId, workDir: settings.workDir });
  } catch (err) {
    // Nothing of a half-done handshake may stay behind.
    const zeroized = settings.privacy ? await zeroizeFiles([settings.privacy.dekPath]) : 0;
    const wiped = await wipeDirs(settings.wipeDirs);
    return report({
      ...empty(settings.jobId),
      type: 'sidecar:failed',
      exitCode: EXIT_HANDSHAKE_FAILED,
      zeroizedFiles: zeroized,
      wipedDirs: wiped,
      error: `handshake failed: ${(err as Error).message}`,
    });
  }

  // Inputs decrypted into the work dir before the workload starts; all or none.
  let arts: PreparedArtifacts | undefined;
  const artsClient = settings.artifacts
    ? new ArtifactsClient(settings.artifacts.exchangeUrl, settings.jobId, settings.artifacts.credential, io.fetchImpl)
    : undefined;
  if (artsClient) {
    try {
      arts = await prepareArtifacts(
        artsClient,
        settings.workDir,
        settings.privacy ? { inputs: hs.inputs, outputs: hs.outputs } : undefined,
        io.fetchImpl,
        settings.artifacts?.workloadUid,
        settings.artifacts?.inputs,
      );
    } catch (err) {
      await hs.rotation?.stop();
      const zeroized = await zeroizeFiles(hs.secretFiles);
      const wiped = await wipeDirs(settings.wipeDirs);
      return report({
        ...empty(settings.jobId),
        type: 'sidecar:failed',
        exitCode: EXIT_ARTIFACTS_FAILED,
        attestationHash: hs.attestationHash,
        zeroizedFiles: zeroized,
        wipedDirs: wiped,
        error: `inputs failed: ${(err as Error).message}`,
      });
    }
  }
  const artifactsEnv: Record<string, string> = arts
    ? { VRACU_INPUT_DIR: join(settings.workloadDir, 'inputs'), VRACU_OUTPUT_DIR: join(settings.workloadDir, 'outputs') }
    : {};

  // ECS starts the workload container once this exists (its dependsOn the sidecar HEALTHY): after the inputs are in place.
  if (settings.readyPath) await writeFile(settings.readyPath, `${settings.jobId}\n`);

  const wl =
    settings.mode.kind === 'run'
      ? startWorkload({
          command: settings.mode.command,
          env: workloadEnv(io.env, { ...hs.workloadEnv, ...artifactsEnv }),
          cwd: settings.workDir,
          timeoutMs: settings.timeoutMs,
          stopGraceMs: settings.stopGraceMs,
          stdout: io.stdout,
          stderr: io.stderr,
        })
      : watched(
          watchContainer({
            baseUri: settings.mode.metadataUri,
            container: settings.mode.container,
            timeoutMs: settings.timeoutMs,
            ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
          }),
        );
  const unregister = io.onStop?.(() => wl.stop());
  let revoked: string | null = null;
  let early = Promise.resolve(0);
  hs.rotation?.start((why) => {
    // The exchange ended the session: the keys go first, then the workload.
    revoked = why;
    early = zeroizeFiles(hs.secretFiles);
    wl.stop();
  });
  let result: WorkloadResult;
  try {
    result = await wl.done;
  } finally {
    unregister?.();
    await hs.rotation?.stop();
  }

  // Outputs leave sealed before anything is wiped (not after a stop or a revocation: nothing is kept then).
  let outputs: SidecarReport['artifacts'] = undefined;
  let artifactsError: string | undefined;
  if (arts && artsClient) {
    outputs = { inputs: arts.inputs.length, outputs: null };
    if (!revoked && !result.stopped && !result.startError) {
      try {
        const sealed = await finishArtifacts(artsClient, settings.jobId, arts, io.fetchImpl);
        outputs.outputs = sealed?.map(({ name, size, merkleRoot }) => ({ name, size, merkleRoot })) ?? null;
      } catch (err) {
        artifactsError = `outputs failed: ${(err as Error).message}`;
      }
    }
  }

  // Secrets first, then the data: both happen whatever the workload did.
  const zeroized = (await early) + (await zeroizeFiles(hs.secretFiles)) + (arts ? await zeroizeArtifacts(arts) : 0);
  const wiped = await wipeDirs(settings.wipeDirs);
  // Watch mode, stopped by ECS: the task is going down anyway; 143 is what SIGTERM means.
  const workloadExit = result.startError ? EXIT_CANNOT_START : result.timedOut ? EXIT_TIMEOUT : (result.exitCode ?? (result.stopped ? 143 : 1));
  // A workload that succeeded but whose outputs could not be kept did not complete.
  const exitCode = artifactsError && workloadExit === 0 ? EXIT_ARTIFACTS_FAILED : workloadExit;
  return report({
    type: result.startError || artifactsError ? 'sidecar:failed' : 'sidecar:completed',
    jobId: settings.jobId,
    exitCode,
    workloadExitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stopped: result.stopped,
    attestationHash: hs.attestationHash,
    keySteps: hs.rotation ? [...hs.rotation.steps] : [],
    revoked,
    zeroizedFiles: zeroized,
    wipedDirs: wiped,
    ...(outputs ? { artifacts: outputs } : {}),
    ...(result.startError ? { error: `workload could not start: ${result.startError}` } : artifactsError ? { error: artifactsError } : {}),
  });
}

function empty(jobId: string | null): Omit<SidecarReport, 'startedAt' | 'endedAt' | 'type' | 'exitCode'> {
  return {
    jobId,
    workloadExitCode: null,
    signal: null,
    timedOut: false,
    stopped: false,
    attestationHash: null,
    keySteps: [],
    revoked: null,
    zeroizedFiles: 0,
    wipedDirs: [],
  };
}

/** A watched container as a workload result: it never failed to start from our side. */
function watched(w: ReturnType<typeof watchContainer>): { stop(): void; done: Promise<WorkloadResult> } {
  return { stop: w.stop, done: w.done.then((r) => ({ exitCode: r.exitCode, signal: null, timedOut: r.timedOut, stopped: r.stopped })) };
}
