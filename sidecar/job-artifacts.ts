/**
 * The sidecar's side of a job's artifacts, around the workload (docs/artifacts.md): before it,
 * the inputs (from the handshake for an attested job, from the artifacts session route for a
 * plain one) are decrypted into `<work>/inputs` and the output slots fetched; after it, what the
 * workload wrote to `<work>/outputs` is sealed for the buyer, uploaded and reported, so the
 * exchange records it and the deletion attestation commits to each Merkle root. A failure is
 * reported with its code (the job ends FAILED with it). Every plaintext file is zeroized
 * before the work dir is wiped.
 */
import { chown, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, materializeInputs, sealOutputs, type InputRelease, type OutputGrant, type SealedOutput } from './artifacts.ts';
import { zeroizeFiles } from './cleanup.ts';
import type { Upload } from '../functions/platform/http/presigned-upload.ts';

export interface WireInput {
  name: string;
  artifactId: string;
  size: number;
  merkleRoot: string;
  fileKey: string;
  download: { url: string };
}

/** Wire inputs to what materializeInputs takes (the base64 keys decoded; the caller's copies dropped). */
export const fromWire = (inputs: readonly WireInput[]): InputRelease[] =>
  inputs.map((i) => ({
    name: i.name,
    merkleRoot: i.merkleRoot,
    size: i.size,
    fileKey: new Uint8Array(Buffer.from(i.fileKey, 'base64')),
    download: i.download,
  }));

export class ArtifactsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly jobId: string,
    private readonly credential: string,
    private readonly fetchImpl: typeof fetch = fetch,
    /** The container may be recorded a moment after it starts: a 409 is retried this long. */
    private readonly settleMs = 15_000,
  ) {}

  private async post<T>(suffix: string, body: unknown): Promise<T> {
    const until = Date.now() + this.settleMs;
    let wait = 20;
    for (;;) {
      const res = await this.fetchImpl(`${this.baseUrl.replace(/\/$/, '')}/v1/jobs/${this.jobId}/artifacts/${suffix}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-job-credential': this.credential },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // reported by status below
      }
      if (res.ok) return parsed as T;
      if (res.status === 409 && parsed.code === 'artifacts_job_ended' && Date.now() < until) {
        // The record usually lands within milliseconds of the start: ask again soon, then less often.
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 250);
        continue;
      }
      throw new Error(`artifacts ${suffix}: ${res.status} ${String(parsed.code ?? '')} ${String(parsed.detail ?? '')}`.trim());
    }
  }

  session = (): Promise<{ inputs: WireInput[]; outputs: OutputGrant | null }> => this.post('session', {});
  report = (body: { outputs: SealedOutput[] } | { failure: { code: string; detail: string } }): Promise<{ recorded: number }> => this.post('report', body);
  /** The presigned upload of one output, asked for once its sealed size is known. */
  upload = async (artifactId: string, size: number): Promise<Upload> => (await this.post<{ upload: Upload }>('uploads', { artifactId, size })).upload;
}

export interface PreparedArtifacts {
  inputDir: string;
  outputDir: string;
  inputs: string[];
  /** The output slots; a promise when the session call runs beside the workload (a job with no inputs). */
  grant: OutputGrant | null | Promise<OutputGrant | null>;
}

/**
 * Before the workload: the dirs, the inputs decrypted (all or none), the output slots. A failure
 * is reported, then thrown. `inputs`: how many the job names (the launch says); with none, a
 * plain job's session call (which then only gives the output slots) runs beside the workload
 * instead of before it, and its failure fails the outputs after the workload.
 */
export async function prepareArtifacts(
  client: ArtifactsClient,
  workDir: string,
  handshake: { inputs?: WireInput[] | undefined; outputs?: OutputGrant | null | undefined } | undefined,
  fetchImpl: typeof fetch = fetch,
  workloadUid?: number,
  inputs?: number,
): Promise<PreparedArtifacts> {
  const inputDir = join(workDir, 'inputs');
  const outputDir = join(workDir, 'outputs');
  await mkdir(inputDir, { recursive: true, mode: 0o700 });
  await mkdir(outputDir, { recursive: true, mode: 0o700 });
  // The workload's own (0700): it reads its inputs and writes its outputs, no other user does.
  const give = async (p: string) => {
    if (workloadUid !== undefined) await chown(p, workloadUid, workloadUid);
  };
  await give(inputDir);
  await give(outputDir);
  // An attested job's inputs and slots came with its handshake; a plain job asks the session route.
  if (!handshake && inputs === 0) {
    const grant = client.session().then((session) => {
      if (session.inputs.length) throw new Error(`the exchange released ${session.inputs.length} inputs to a job launched with none`);
      return session.outputs ?? null;
    });
    // Awaited after the workload if it runs to its end; a failure before then is no unhandled rejection.
    grant.catch(() => undefined);
    return { inputDir, outputDir, inputs: [], grant };
  }
  const session = handshake ?? (await client.session());
  const released = fromWire(session.inputs ?? []);
  try {
    const inputs = await materializeInputs(inputDir, released, fetchImpl);
    for (const f of inputs) await give(f);
    return { inputDir, outputDir, inputs, grant: session.outputs ?? null };
  } catch (e) {
    if (e instanceof ArtifactError) await client.report({ failure: { code: e.code, detail: e.message.slice(0, 1000) } }).catch(() => undefined);
    throw e;
  }
}

/** After the workload: outputs sealed, uploaded and reported; null when the buyer registered no key (nothing is kept). */
export async function finishArtifacts(
  client: ArtifactsClient,
  jobId: string,
  p: PreparedArtifacts,
  fetchImpl: typeof fetch = fetch,
): Promise<SealedOutput[] | null> {
  const grant = await p.grant;
  if (!grant) return null;
  let sealed: SealedOutput[];
  try {
    // Scratch ciphertext beside, not inside, the output dir: it is no output.
    sealed = await sealOutputs(jobId, p.outputDir, grant, client.upload, { fetchImpl, scratchDir: join(p.outputDir, '..') });
  } catch (e) {
    if (e instanceof ArtifactError) await client.report({ failure: { code: e.code, detail: e.message.slice(0, 1000) } }).catch(() => undefined);
    throw e;
  }
  await client.report({ outputs: sealed });
  return sealed;
}

/** Every plaintext file in the input and output dirs, overwritten with zeros and removed (before the wipe). */
export async function zeroizeArtifacts(p: Pick<PreparedArtifacts, 'inputDir' | 'outputDir'>): Promise<number> {
  let n = 0;
  for (const dir of [p.inputDir, p.outputDir]) {
    const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    n += await zeroizeFiles(names.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)));
  }
  return n;
}
