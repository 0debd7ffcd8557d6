/** Deterministic test randomness: a seed from VRACU_TEST_SEED or fixed, always printed with a failure. */
import { seededPrng } from '../../../../functions/platform/ids.ts';

export function seededBytes(n: number, seed = Number(process.env.VRACU_TEST_SEED ?? 11)): { bytes: Uint8Array; seed: number } {
  const next = seededPrng(seed);
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(next() * 256);
  return { bytes, seed };
}
