/**
 * Moving a file with presigned S3 requests, as the exchange hands them out: one PUT with the
 * length pinned, or above the part size a multipart upload whose every part has its own
 * presigned UploadPart (length pinned too) and whose completion the exchange does itself, from
 * the parts' ETags the uploader reports. The CLI (inputs), the sidecar (outputs) and the
 * benchmark run this one uploader; the exchange's object store makes the plans.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** One presigned request: the URL and the headers it signed. */
export interface PresignedRequest {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the request must send as signed (content length is pinned on PUTs). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface PresignedPart extends PresignedRequest {
  partNumber: number;
}

/** Parts of `partBytes` each (the last one shorter), in order from 1. */
export interface MultipartPlan {
  method: 'MULTIPART';
  uploadId: string;
  partBytes: number;
  parts: PresignedPart[];
  expiresAt: string;
}

export type Upload = (PresignedRequest & { method: 'PUT' }) | MultipartPlan;

/** What completes a multipart upload: its id and each part's ETag, as S3 answered the part. */
export interface UploadedParts {
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
}

/** S3's own bounds: at most 10,000 parts, each but the last at least 5 MiB. */
export const S3_MAX_PARTS = 10_000;
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

/** Byte ranges [start, end) of the parts of an object of `size` bytes. */
export function partRanges(size: number, partBytes: number): { partNumber: number; start: number; end: number }[] {
  const out: { partNumber: number; start: number; end: number }[] = [];
  for (let start = 0, n = 1; start < size; start += partBytes, n++) out.push({ partNumber: n, start, end: Math.min(size, start + partBytes) });
  return out;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadOptions {
  fetchImpl?: typeof fetch;
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  /** Tries per request; network errors and 5xx/429 are retried with backoff (default 3). */
  attempts?: number;
  /** Called with the bytes sent so far, after each part. */
  onProgress?: (sentBytes: number) => void;
}

const retriable = (status: number) => status >= 500 || status === 429 || status === 408;

async function putRange(
  f: typeof fetch,
  req: PresignedRequest,
  path: string,
  range: { start: number; end: number } | null,
  attempts: number,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Reads of 1 MiB: the default 64 KiB makes sixteen times as many trips through the stream.
      const body = createReadStream(path, { highWaterMark: 1 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
      const res = await f(req.url, {
        method: 'PUT',
        headers: req.headers,
        body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit);
      await res.arrayBuffer();
      if (res.ok) return res;
      if (!retriable(res.status) || attempt >= attempts) throw new UploadError(`storage answered HTTP ${res.status}`, res.status);
    } catch (e) {
      if (e instanceof UploadError || attempt >= attempts) throw e instanceof UploadError ? e : new UploadError((e as Error).message);
    }
    await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
  }
}

/**
 * Uploads the file at `path` (exactly the size the plan was made for) as `upload` says.
 * A single PUT returns null; a multipart upload returns the parts to report for completion.
 */
export async function uploadFile(path: string, upload: Upload, o: UploadOptions = {}): Promise<UploadedParts | null> {
  const f = o.fetchImpl ?? fetch;
  const attempts = o.attempts ?? 3;
  if (upload.method === 'PUT') {
    await putRange(f, upload, path, null, attempts);
    o.onProgress?.(Number(upload.headers['content-length'] ?? 0));
    return null;
  }
  const size = upload.parts.reduce((n, p) => n + Number(p.headers['content-length'] ?? 0), 0);
  const ranges = partRanges(size, upload.partBytes);
  if (ranges.length !== upload.parts.length) throw new UploadError(`the plan has ${upload.parts.length} parts, the file ${ranges.length}`);
  const etags = new Array<string>(ranges.length);
  let next = 0;
  let sent = 0;
  let failed = false;
  const worker = async () => {
    // One failed part stops the others taking new ones (the upload is dead; the bucket's lifecycle aborts it).
    for (let i = next++; i < ranges.length && !failed; i = next++) {
      const part = upload.parts[i]!;
      try {
        const res = await putRange(f, part, path, ranges[i]!, attempts);
        const etag = res.headers.get('etag');
        if (!etag) throw new UploadError(`part ${part.partNumber}: storage returned no ETag`);
        etags[i] = etag;
      } catch (e) {
        failed = true;
        throw e;
      }
      sent += ranges[i]!.end - ranges[i]!.start;
      o.onProgress?.(sent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, ranges.length) }, worker));
  return { uploadId: upload.uploadId, parts: upload.parts.map((p, i) => ({ partNumber: p.partNumber, etag: etags[i]! })) };
}
