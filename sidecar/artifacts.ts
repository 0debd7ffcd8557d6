/**
 * The sidecar's artifacts (seed 003 §6.4 materialize_artifacts, §7.2), as library code the
 * handshake and lifecycle call (the wiring is theirs; docs/artifacts.md "Integration seams"):
 * - materializeInputs: after the handshake released the input keys, download each input's
 *   ciphertext with its presigned GET and decrypt it into the work dir. Every chunk must
 *   authenticate and the Merkle root match before the file appears under its name; on any
 *   failure every input already written is wiped too, so the workload never starts on a
 *   partial set and no partial plaintext stays on disk.
 * - sealOutputs: after the workload, seal each regular file of the output dir with a fresh
 *   key, HPKE-seal the key to the buyer, ask the exchange for the upload of that sealed size
 *   (one PUT, or parts over the part size), upload, and return what the exchange records
 *   (recordOutputs) and the deletion attestation carries: each output's name, sealed size and
 *   Merkle root, and a multipart upload's parts. Limits are checked before the first upload.
 */
import { readdir, lstat, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { uploadFile, type Upload, type UploadedParts } from '../functions/platform/http/presigned-upload.ts';
import { sealFileKey } from '../functions/platform/crypto/hpke.ts';
import { DEFAULT_CHUNK_SIZE, newFileKey, SealedFileError, sealedSize } from '../functions/platform/crypto/sealed-file.ts';
import { bodyBytes, openToFile, RootMismatchError, sealFile, wipeFile } from '../functions/platform/crypto/sealed-files.ts';

/** What the gate gives the sidecar per input (releaseInputs, sealed to the session by the handshake). */
export interface InputRelease {
  name: string;
  merkleRoot: string;
  size: number;
  fileKey: Uint8Array;
  download: { url: string };
}

/** What the lifecycle gives the sidecar for outputs (outputSlots). */
export interface OutputGrant {
  recipientPublicKey: string;
  maxBytes: number;
  /** All outputs together (sealed bytes). */
  maxTotalBytes?: number;
  slots: { artifactId: string }[];
}

/** The exchange's presigned upload for one slot's sealed file of `size` bytes (ArtifactsClient.upload). */
export type RequestUpload = (artifactId: string, size: number) => Promise<Upload>;

export interface SealedOutput {
  artifactId: string;
  name: string;
  size: number;
  merkleRoot: string;
  sealedKey: string;
  /** Over the part size: the multipart upload for the exchange to complete. */
  multipart?: UploadedParts;
}

export type ArtifactFailure =
  | 'input_download_failed'
  | 'input_tampered'
  | 'input_root_mismatch'
  | 'output_too_large'
  | 'too_many_outputs'
  | 'output_upload_failed';

export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactFailure,
    readonly artifact: string,
    message: string,
  ) {
    super(`${code}: ${artifact}: ${message}`);
    this.name = 'ArtifactError';
  }
}

const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export async function materializeInputs(workDir: string, inputs: InputRelease[], fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const written: string[] = [];
  try {
    for (const i of inputs) {
      const dest = join(workDir, i.name);
      const res = await fetchImpl(i.download.url).catch((e: Error) => {
        throw new ArtifactError('input_download_failed', i.name, e.message);
      });
      if (!res.ok) throw new ArtifactError('input_download_failed', i.name, `storage answered HTTP ${res.status}`);
      try {
        await openToFile(bodyBytes(res.body), dest, i.fileKey, i.merkleRoot);
      } catch (e) {
        if (e instanceof RootMismatchError) throw new ArtifactError('input_root_mismatch', i.name, e.message);
        if (e instanceof SealedFileError) throw new ArtifactError('input_tampered', i.name, e.message);
        throw e;
      }
      written.push(dest);
    }
    return written;
  } catch (e) {
    for (const f of written) await wipeFile(f);
    throw e;
  } finally {
    for (const i of inputs) i.fileKey.fill(0);
  }
}

/** The output dir's regular files (top level, sorted; symlinks and odd names are not outputs). */
async function outputFiles(outDir: string): Promise<{ name: string; path: string; size: number }[]> {
  const out: { name: string; path: string; size: number }[] = [];
  for (const name of (await readdir(outDir)).sort()) {
    const path = join(outDir, name);
    const st = await lstat(path);
    if (st.isFile() && OUTPUT_NAME.test(name)) out.push({ name, path, size: st.size });
  }
  return out;
}

export async function sealOutputs(
  jobId: string,
  outDir: string,
  grant: OutputGrant,
  requestUpload: RequestUpload,
  opts: { fetchImpl?: typeof fetch; chunkSize?: number; scratchDir?: string } = {},
): Promise<SealedOutput[]> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const files = await outputFiles(outDir);
  if (files.length > grant.slots.length) throw new ArtifactError('too_many_outputs', outDir, `${files.length} files, ${grant.slots.length} slots`);
  // Every limit before the first byte leaves: nothing half-uploaded.
  for (const f of files)
    if (sealedSize(f.size, chunkSize) > grant.maxBytes)
      throw new ArtifactError('output_too_large', f.name, `sealed ${sealedSize(f.size, chunkSize)} bytes > ${grant.maxBytes}`);
  const total = files.reduce((n, f) => n + sealedSize(f.size, chunkSize), 0);
  if (grant.maxTotalBytes !== undefined && total > grant.maxTotalBytes)
    throw new ArtifactError('output_too_large', outDir, `the outputs seal to ${total} bytes together > ${grant.maxTotalBytes}`);
  const recipient = Buffer.from(grant.recipientPublicKey, 'hex');
  const scratch = await mkdtemp(join(opts.scratchDir ?? outDir, '.vracu-seal-'));
  const fetchImpl = opts.fetchImpl ?? fetch;
  const sealed: SealedOutput[] = [];
  try {
    for (const [n, f] of files.entries()) {
      const slot = grant.slots[n]!;
      const key = newFileKey();
      const tmp = join(scratch, slot.artifactId);
      try {
        const s = await sealFile(f.path, tmp, key, chunkSize);
        const sealedKey = await sealFileKey(recipient, key, { jobId, name: f.name });
        let multipart: UploadedParts | null;
        try {
          multipart = await uploadFile(tmp, await requestUpload(slot.artifactId, s.size), { fetchImpl });
        } catch (e) {
          throw new ArtifactError('output_upload_failed', f.name, (e as Error).message);
        }
        sealed.push({
          artifactId: slot.artifactId,
          name: f.name,
          size: s.size,
          merkleRoot: s.merkleRoot,
          sealedKey: Buffer.from(sealedKey).toString('base64'),
          ...(multipart ? { multipart } : {}),
        });
      } finally {
        key.fill(0);
        await rm(tmp, { force: true });
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return sealed;
}
