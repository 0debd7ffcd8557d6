/**
 * How a sealed file of known size goes up: one presigned PUT with its length pinned, or, over
 * the part size, a multipart upload whose parts are each presigned with their length pinned.
 * Nobody but the exchange completes a multipart upload: the uploader reports the parts' ETags
 * and completeUpload asks S3 to assemble them; the object's size is then checked as for a PUT.
 */
import { partRanges, type PresignedPart, type Upload, type UploadedParts } from '../../platform/http/presigned-upload.ts';
import { AppError } from '../../platform/errors.ts';
import { artifactsError } from '../errors.ts';
import type { ArtifactsDeps } from '../deps.ts';

/** What uploads need of the context: the part size and URL lifetime, and the bucket. */
export type UploadDeps = { cfg: Pick<ArtifactsDeps['cfg'], 'partBytes' | 'urlTtlS'>; objects: ArtifactsDeps['objects'] };

export async function presignUpload(d: UploadDeps, objectKey: string, size: number, nowMs: number): Promise<Upload> {
  const ttlS = d.cfg.urlTtlS;
  if (size <= d.cfg.partBytes) return { ...(await d.objects.presignPut(objectKey, size, ttlS, nowMs)), method: 'PUT' };
  const uploadId = await d.objects.createMultipart(objectKey);
  const parts = await presignParts(d, objectKey, uploadId, size, null, nowMs);
  return { method: 'MULTIPART', uploadId, partBytes: d.cfg.partBytes, parts, expiresAt: new Date(nowMs + ttlS * 1000).toISOString() };
}

/**
 * Presigned UploadParts of a multipart upload of `size` bytes, each with its length pinned: all
 * of them, or those numbered in `partNumbers` (a part number the upload does not have is a 400).
 */
export async function presignParts(
  d: UploadDeps,
  objectKey: string,
  uploadId: string,
  size: number,
  partNumbers: readonly number[] | null,
  nowMs: number,
): Promise<PresignedPart[]> {
  const ranges = partRanges(size, d.cfg.partBytes);
  const wanted = partNumbers ? partNumbers.map((n) => ranges[n - 1]) : ranges;
  const missing = partNumbers?.filter((n) => !ranges[n - 1]) ?? [];
  if (missing.length)
    throw new AppError('validation_failed', `body.partNumbers: this upload has parts 1 to ${ranges.length}`, {
      issues: [{ path: 'body.partNumbers', message: `no part ${missing.join(', ')}` }],
    });
  return Promise.all(wanted.map((r) => d.objects.presignPart(objectKey, uploadId, r!.partNumber, r!.end - r!.start, d.cfg.urlTtlS, nowMs)));
}

/**
 * Completes a multipart upload of `size` bytes from the reported parts. A completion S3 no
 * longer knows is fine when the object is already there (a retried call after a completion).
 */
export async function completeUpload(d: UploadDeps, objectKey: string, size: number, done: UploadedParts, what: string): Promise<void> {
  const want = partRanges(size, d.cfg.partBytes).length;
  if (done.parts.length !== want || done.parts.some((p, i) => p.partNumber !== i + 1))
    throw artifactsError('upload_incomplete', `${what}: ${want} parts numbered 1 to ${want} are needed, ${done.parts.length} reported`, {
      parts: want,
    });
  const outcome = await d.objects.completeMultipart(objectKey, done);
  if (outcome === 'invalid_parts') throw artifactsError('upload_incomplete', `${what}: storage refused the parts (an ETag does not match an uploaded part)`);
  if (outcome === 'no_such_upload' && (await d.objects.head(objectKey))?.size !== size)
    throw artifactsError('upload_incomplete', `${what}: no multipart upload ${done.uploadId} for this object`);
}
