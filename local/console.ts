/**
 * The web console on the local gateway's origin: `GET /` and `/assets/*` from the built
 * files (console/build.ts; the stack's `consoleDir` points elsewhere), with the headers the
 * cloud's CloudFront response policy sets (console/headers.ts) less HSTS, which browsers
 * ignore over plain HTTP. Hashed assets are immutable; index.html is revalidated.
 * API paths never reach this: the gateway asks it only when no route matched.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CACHE_CONTROL, SECURITY_HEADERS } from '../console/headers.ts';
import { decodeSegment } from '../functions/platform/http/route.ts';

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface ConsoleSite {
  /** Answers `req` when it is a console path; false leaves it to the gateway. */
  serve(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): boolean;
}

export function consoleSite(dir: string = DEFAULT_CONSOLE_DIR): ConsoleSite {
  const root = resolve(dir);
  return {
    serve(req, res, method, pathname) {
      const isPage = pathname === '/' || pathname === '/index.html';
      if (!isPage && !pathname.startsWith('/assets/')) return false;
      if (method !== 'GET' && method !== 'HEAD') return false;
      req.resume();
      const file = isPage ? join(root, 'index.html') : normalize(join(root, decodeSegment(pathname)));
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
        const missing = isPage ? 'the console is not built: run `npm run build:console` (npm start builds it)' : 'no such console asset';
        reply(res, method, isPage ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, Buffer.from(`${missing}\n`));
        return true;
      }
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Asset names carry a content hash; the page names the current ones.
        'cache-control': isPage ? CACHE_CONTROL.page : CACHE_CONTROL.asset,
        vary: 'accept-encoding',
      };
      const gz = `${file}.gz`;
      const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (wantsGzip && existsSync(gz)) {
        headers['content-encoding'] = 'gzip';
        reply(res, method, 200, headers, readFileSync(gz));
      } else reply(res, method, 200, headers, readFileSync(file));
      return true;
    },
  };
}

function reply(res: ServerResponse, method: string, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(body.length) });
  res.end(method === 'HEAD' ? undefined : body);
}
