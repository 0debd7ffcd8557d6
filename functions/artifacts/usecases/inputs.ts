/**
 * A buyer's input: created with its size, Merkle root and file key (the CLI sealed the file
 * locally); the file key is wrapped at once under the owner's context and only the wrapped
 * blob is stored. The answer carries a presigned PUT scoped to the one object and its size, or
 * over the part size a multipart plan (uploads.ts). Complete assembles a multipart upload from
 * the reported parts, checks the object is there with that size, then the record is `uploaded`.
 * The owner lists its inputs and deletes them: the wrapped key first (the ciphertext can then
 * never be opened), then the object; a job that names a deleted input fails `input_not_available`.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { isoAt } from '../../platform/clock.ts';
import { inputKeyContext, inputObjectKey, recordTtlSec, type Artifact } from '../domain/artifact.ts';
import type { PresignedPart, Upload, UploadedParts } from '../../platform/http/presigned-upload.ts';
import { artifactsError } from '../errors.ts';
import { getArtifact, markInputDeleted, markUploaded, putArtifact, tenantInputs } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';
import { completeUpload, presignParts, presignUpload } from './uploads.ts';

export interface CreateInput {
  name: string;
  size: number;
  merkleRoot: string;
  fileKey: Uint8Array;
}

export async function createInput(d: ArtifactsDeps, p: Principal, input: CreateInput): Promise<{ artifact: Artifact; upload: Upload }> {
  if (input.size > d.cfg.maxBytes)
    throw artifactsError('artifact_too_large', `a sealed artifact holds at most ${d.cfg.maxBytes} bytes`, { limit: d.cfg.maxBytes });
  const now = d.rt.clock.nowMs();
  const artifactId = d.rt.ids.next('art');
  const base = { tenant: p.tenant, artifactId };
  let wrapped: Uint8Array;
  try {
    wrapped = await d.keys.wrap(input.fileKey, inputKeyContext(base));
  } finally {
    input.fileKey.fill(0);
  }
  const objectKey = inputObjectKey(p.tenant, artifactId);
  const upload = await presignUpload(d, objectKey, input.size, now);
  const artifact: Artifact = {
    artifactId,
    kind: 'input',
    tenant: p.tenant,
    ownerId: p.id,
    name: input.name,
    size: input.size,
    merkleRoot: input.merkleRoot,
    state: 'pending',
    objectKey,
    createdAt: isoAt(now),
    wrappedKey: Buffer.from(wrapped).toString('base64'),
    ...(upload.method === 'MULTIPART' ? { uploadId: upload.uploadId } : {}),
  };
  if (!(await putArtifact(d.store, artifact))) throw new Error(`artifact id ${artifactId} collided`);
  return { artifact, upload };
}

/** An artifact the caller may see (its tenant's; admin sees all); anyone else's is a 404. */
export async function visibleArtifact(d: ArtifactsDeps, p: Principal, artifactId: string): Promise<Artifact> {
  return visibleOr404(p, await getArtifact(d.store, artifactId), (a) => ({ tenant: a.tenant }), `artifact ${artifactId}`);
}

/** `parts`: the ETags of a multipart upload's parts, in order (required when it was one, refused when not). */
export async function completeInput(d: ArtifactsDeps, p: Principal, artifactId: string, parts?: UploadedParts['parts']): Promise<Artifact> {
  const a = await visibleArtifact(d, p, artifactId);
  if (a.state === 'uploaded') return a;
  if (a.uploadId && !parts)
    throw artifactsError('upload_incomplete', `${artifactId} is a multipart upload: complete it with the ETag of each part`, { uploadId: a.uploadId });
  if (!a.uploadId && parts) throw artifactsError('upload_incomplete', `${artifactId} is a single PUT: it has no parts to complete`);
  if (a.uploadId && parts) await completeUpload(d, a.objectKey, a.size, { uploadId: a.uploadId, parts }, artifactId);
  const head = await d.objects.head(a.objectKey);
  if (!head) throw artifactsError('upload_incomplete', `nothing was uploaded for ${artifactId}`);
  if (head.size !== a.size)
    throw artifactsError('upload_incomplete', `uploaded ${head.size} bytes, declared ${a.size}`, { uploaded: head.size, declared: a.size });
  return (await markUploaded(d.store, artifactId, isoAt(d.rt.clock.nowMs()))) ?? ((await getArtifact(d.store, artifactId)) as Artifact);
}

/**
 * Fresh presigned URLs for parts of an input's multipart upload that is still pending (a part's
 * URL lives `VRACU_ARTIFACT_URL_TTL_S`; a large file on a slow link outlasts it): the same
 * upload, the same part lengths, new signatures.
 */
export async function resignInputParts(d: ArtifactsDeps, p: Principal, artifactId: string, partNumbers: readonly number[]): Promise<PresignedPart[]> {
  const a = await visibleArtifact(d, p, artifactId);
  if (a.kind !== 'input') throw artifactsError('artifact_not_an_input', `${artifactId} is a job's output: its sidecar asks for its own uploads`);
  if (a.state === 'uploaded') throw artifactsError('artifact_already_uploaded', `${artifactId} is uploaded already`);
  if (a.state === 'deleted') throw artifactsError('artifact_not_uploaded', `${artifactId} was deleted`);
  if (!a.uploadId) throw artifactsError('upload_incomplete', `${artifactId} is a single PUT: it has no parts (register the file again for a new URL)`);
  return presignParts(d, a.objectKey, a.uploadId, a.size, partNumbers, d.rt.clock.nowMs());
}

/** The caller's inputs, newest first. */
export function listInputs(d: ArtifactsDeps, p: Principal, limit: number, cursor?: string) {
  return tenantInputs(d.store, p.tenant, limit, cursor);
}

/**
 * Deletes one of the caller's inputs: the record → `deleted` with its wrapped key removed in the
 * same write, then the object. Deleting it again answers the same (and removes the object again,
 * in case the first call stopped between the two). A job already holding its plaintext keeps it
 * until its work dir is wiped; a job that asks for it later is refused.
 */
export async function deleteInput(d: ArtifactsDeps, p: Principal, artifactId: string): Promise<Artifact> {
  const a = await visibleArtifact(d, p, artifactId);
  if (a.kind !== 'input')
    throw artifactsError('artifact_not_an_input', `${artifactId} is a job's output: it expires with its retention, it is not deleted by hand`);
  const nowMs = d.rt.clock.nowMs();
  const deleted =
    a.state === 'deleted' ? a : ((await markInputDeleted(d.store, artifactId, isoAt(nowMs), recordTtlSec(nowMs))) ?? (await getArtifact(d.store, artifactId))!);
  await d.objects.remove(a.objectKey);
  return deleted;
}
