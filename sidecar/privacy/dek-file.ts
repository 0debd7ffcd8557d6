/**
 * The DEK file (seed §7.4): 0600, owned by the workload's user when it runs as another uid;
 * a rotation overwrites the old key with zeros (flushed) before the new one is written.
 * Overwriting is best effort on journaling and overlay filesystems (docs/privacy.md).
 */
import { chown, open } from 'node:fs/promises';

export async function writeDek(path: string, key: Uint8Array, ownerUid?: number): Promise<void> {
  // r+ (not append: positioned writes must land where asked); a first key creates the file 0600.
  const fh = await open(path, 'r+').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return open(path, 'wx', 0o600);
    throw e;
  });
  try {
    const { size } = await fh.stat();
    if (size > 0) {
      await fh.write(Buffer.alloc(size), 0, size, 0);
      await fh.sync();
      await fh.truncate(0);
    }
    await fh.write(key, 0, key.length, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (ownerUid !== undefined) await chown(path, ownerUid, ownerUid);
}
