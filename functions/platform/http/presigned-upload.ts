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
  /**
   * Fresh URLs for parts of this upload (the exchange signs them again): asked for the parts
   * not started yet once the next one's URL would expire within REFRESH_MARGIN_MS, so a large
   * file on a slow link outlasts the URLs it was given. Without it an expired URL fails its part.
   */
  refresh?: (partNumbers: number[]) => Promise<PresignedPart[]>;
  /** The clock the expiry is read against (tests). */
  nowMs?: () => number;
}

/** A part's URL is renewed when it has less than this left (a PUT must start before its URL expires). */
export const REFRESH_MARGIN_MS = 60_000;

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
  const parts = [...upload.parts];
  const now = o.nowMs ?? Date.now;
  let next = 0;
  let sent = 0;
  let failed = false;
  // One renewal at a time, for every part not started yet; the workers wait on it.
  let renewing: Promise<void> | undefined;
  const renew = (from: number) =>
    (renewing ??= (async () => {
      const numbers = parts.slice(from).map((p) => p.partNumber);
      for (const fresh of await o.refresh!(numbers)) parts[fresh.partNumber - 1] = fresh;
    })().finally(() => (renewing = undefined)));
  const expiring = (p: PresignedPart) => Date.parse(p.expiresAt) - now() < REFRESH_MARGIN_MS;
  const worker = async () => {
    // One failed part stops the others taking new ones (the upload is dead; the bucket's lifecycle aborts it).
    for (let i = next++; i < ranges.length && !failed; i = next++) {
      try {
        if (o.refresh && expiring(parts[i]!)) {
          await renew(i);
          // A renewal another worker began from a later part did not cover this one.
          if (expiring(parts[i]!)) await renew(i);
        }
      } catch (e) {
        failed = true;
        throw new UploadError(`part ${parts[i]!.partNumber}: its URL expires and new ones could not be had: ${(e as Error).message}`);
      }
      const part = parts[i]!;
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
  return { uploadId: upload.uploadId, parts: parts.map((p, i) => ({ partNumber: p.partNumber, etag: etags[i]! })) };
}
