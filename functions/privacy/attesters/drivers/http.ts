/** The HTTP the vendor drivers need, over an injected `fetch` (tests pass a recorder; nothing here opens a socket itself). */
import { CollateralUnavailableError } from '../collateral/source.ts';

export type FetchFn = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array; signal?: AbortSignal }) => Promise<Response>;

export interface DriverOptions {
  fetch: FetchFn;
  /** Per request; the vendors' services are slow at times (nvtrust #99). Default 10 s. */
  timeoutMs?: number;
}

export async function getOk(o: DriverOptions, url: string, headers: Record<string, string> = {}): Promise<Response> {
  let res: Response;
  try {
    res = await o.fetch(url, { method: 'GET', headers, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
  } catch (e) {
    throw new CollateralUnavailableError(`GET ${url}: ${(e as Error).message}`);
  }
  if (res.status === 404) throw new CollateralUnavailableError(`GET ${url}: not found`, 404);
  if (!res.ok) throw new CollateralUnavailableError(`GET ${url}: HTTP ${res.status}`, res.status);
  return res;
}

export const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());
