/** Reads the revocation feed from where it is published: an HTTPS URL, or a file (`file://`, the local stack). */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type FeedReader = (url: string) => Promise<string>;

export const readFeed: FeedReader = async (url) => {
  if (url.startsWith('file://')) return readFile(fileURLToPath(url), 'utf8');
  if (!url.startsWith('https://')) throw new Error(`revocation feed must be https:// or file://, not ${url}`);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`revocation feed answered ${res.status}`);
  return res.text();
};
