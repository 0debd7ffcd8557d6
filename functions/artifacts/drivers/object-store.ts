/**
 * The artifacts bucket: presigned URLs scoped to one object and short-lived (the client and
 * the job's sidecar move the bytes; no Lambda streams them, and the job's task role needs no
 * S3 permission), plus the HEAD that checks an upload. S3 in the cloud; the S3 API of the
 * embedded fauxqs server locally (path-style, since `*.localhost` does not resolve here).
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PresignedUrl {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the request must send as signed (content length is pinned on PUTs). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface ObjectStore {
  /** `size` null: no pinned length (outputs, whose size is checked when recorded). */
  presignPut(key: string, size: number | null, ttlS: number, nowMs: number): Promise<PresignedUrl>;
  presignGet(key: string, ttlS: number, nowMs: number): Promise<PresignedUrl>;
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

  async presignPut(key: string, size: number | null, ttlS: number, nowMs: number): Promise<PresignedUrl> {
    // ContentLength is signed: S3 refuses a body of another size (the per-file limit holds at upload).
    const cmd = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: 'application/octet-stream',
      ...(size !== null ? { ContentLength: size } : {}),
    });
    const signed = new Set(['content-type', ...(size !== null ? ['content-length'] : [])]);
    const url = await getSignedUrl(this.s3, cmd, { expiresIn: ttlS, signableHeaders: signed, signingDate: new Date(nowMs) });
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...(size !== null ? { 'content-length': String(size) } : {}) },
      expiresAt: new Date(nowMs + ttlS * 1000).toISOString(),
    };
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
