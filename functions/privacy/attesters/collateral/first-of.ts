/** Asks each source in turn and returns the first record (e.g. provider-sent files, then the vendor). */
import type { CollateralKey, CollateralRecord, CollateralSource } from './source.ts';

export const firstOf = (...sources: CollateralSource[]): CollateralSource => ({
  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    for (const s of sources) {
      const r = await s.fetch(key, atMs);
      if (r) return r;
    }
    return undefined;
  },
});
