/** After the workload: secrets overwritten with zeros before unlinking, then the data wiped. */
import { open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Overwrites each file with zeros, flushes it to disk, then removes it (§7.4). A missing
 * file is fine (already gone); returns how many files were zeroized.
 */
export async function zeroizeFiles(paths: readonly string[]): Promise<number> {
  let n = 0;
  for (const p of paths) {
    let size: number;
    try {
      size = (await stat(p)).size;
    } catch {
      continue;
    }
    const fh = await open(p, 'r+');
    try {
      const zeros = Buffer.alloc(Math.min(size, 1 << 20));
      for (let off = 0; off < size; off += zeros.length) await fh.write(zeros, 0, Math.min(zeros.length, size - off), off);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await unlink(p);
    n++;
  }
  return n;
}

/**
 * Removes everything inside each directory, keeping the directory itself (it is a mount
 * point in the task). Returns the directories that are now empty.
 */
export async function wipeDirs(dirs: readonly string[]): Promise<string[]> {
  const wiped: string[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue;
    }
    await Promise.all(entries.map((e) => rm(join(dir, e), { recursive: true, force: true, maxRetries: 3 })));
    if ((await readdir(dir)).length === 0) wiped.push(dir);
  }
  return wiped;
}
