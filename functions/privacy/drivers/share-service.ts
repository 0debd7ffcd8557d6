/**
 * The share service (seed §2.6): its own small HTTP service with its own key, answering
 * `POST /v1/shares` {jobId, sessionId, attestationHash, step} with {share} (base64) to a caller
 * holding its bearer credential (compared in constant time). Run on its own port locally
 * (`startShareService`); what it answers is only ever half of a key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveShare, parseShareRequest } from '../domain/share.ts';

export interface ShareService {
  url: string;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export async function startShareService(opts: { key: Uint8Array; credential: string; port?: number; host?: string }): Promise<ShareService> {
  if (opts.key.length < 32) throw new RangeError('the share service key must be at least 32 bytes');
  const expected = digest(opts.credential);
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/shares') return answer(404, { error: 'not found' });
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !timingSafeEqual(digest(auth.slice(7)), expected)) return answer(401, { error: 'unauthenticated' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { error: 'body must be JSON' });
      }
      const r = parseShareRequest(body);
      if (typeof r === 'string') return answer(400, { error: r });
      const share = deriveShare(opts.key, r);
      try {
        answer(200, { share: share.toString('base64') });
      } finally {
        share.fill(0);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${opts.host ?? '127.0.0.1'}:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}
