/**
 * The artifacts bucket: presigned URLs scoped to one object and short-lived (the client and
 * the job's sidecar move the bytes; no Lambda streams them, and the job's task role needs no
 * S3 permission), plus the HEAD that checks an upload. S3 in the cloud; the S3 API of the
 * embedded fauxqs server locally (path-style, since `*.localhost` does not resolve here).
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPart, PresignedRequest, UploadedParts } from '../../platform/http/presigned-upload.ts';

export type PresignedUrl = PresignedRequest;

/** How a multipart completion went: S3 refuses an unknown (or already completed) upload and a part list that does not match. */
export type CompleteOutcome = 'completed' | 'no_such_upload' | 'invalid_parts';

export interface ObjectStore {
  /** The content length is signed: S3 refuses a body of another size. */
  presignPut(key: string, size: number, ttlS: number, nowMs: number): Promise<PresignedUrl>;
  presignGet(key: string, ttlS: number, nowMs: number): Promise<PresignedUrl>;
  /** Starts a multipart upload; its id. */
  createMultipart(key: string): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number, size: number, ttlS: number, nowMs: number): Promise<PresignedPart>;
  completeMultipart(key: string, done: UploadedParts): Promise<CompleteOutcome>;
  /** The object's size, or null when there is none. */
  head(key: string): Promise<{ size: number } | null>;
  remove(key: string): Promise<void>;
}

export function s3Client(region: string, endpoint?: string): S3Client {
  return new S3Client({
    region,
    ...(endpoint ? { endpoint, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // Checksums on PUT would have to be computed by whoever uploads with the URL: leave them to the caller.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(key: string, size: number, ttlS: number, nowMs: number): Promise<PresignedUrl> {
    // ContentLength is signed: S3 refuses a body of another size (the per-file limit holds at upload).
    const cmd = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: 'application/octet-stream', ContentLength: size });
    const url = await getSignedUrl(this.s3, cmd, {
      expiresIn: ttlS,
      signableHeaders: new Set(['content-type', 'content-length']),
      signingDate: new Date(nowMs),
    });
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      expiresAt: new Date(nowMs + ttlS * 1000).toISOString(),
    };
  }

  async createMultipart(key: string): Promise<string> {
    const out = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: 'application/octet-stream' }));
    if (!out.UploadId) throw new Error(`CreateMultipartUpload of ${key} returned no UploadId`);
    return out.UploadId;
  }

  async presignPart(key: string, uploadId: string, partNumber: number, size: number, ttlS: number, nowMs: number): Promise<PresignedPart> {
    const cmd = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: size });
    const url = await getSignedUrl(this.s3, cmd, { expiresIn: ttlS, signableHeaders: new Set(['content-length']), signingDate: new Date(nowMs) });
    return { url, method: 'PUT', partNumber, headers: { 'content-length': String(size) }, expiresAt: new Date(nowMs + ttlS * 1000).toISOString() };
  }

  async completeMultipart(key: string, done: UploadedParts): Promise<CompleteOutcome> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: done.uploadId,
          MultipartUpload: { Parts: done.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
      return 'completed';
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'NoSuchUpload') return 'no_such_upload';
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') return 'invalid_parts';
      throw e;
    }
  }

  async presignGet(key: string, ttlS: number, nowMs: number): Promise<PresignedUrl> {
    const url = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: ttlS, signingDate: new Date(nowMs) });
    return { url, method: 'GET', headers: {}, expiresAt: new Date(nowMs + ttlS * 1000).toISOString() };
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(out.ContentLength ?? 0) };
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'NotFound' || name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw e;
    }
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
