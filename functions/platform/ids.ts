/**
 * Sortable ids: a prefix plus a ULID (time-ordered, 80 bits of randomness), for example
 * `rc_01JD3Q...`. Time comes from the injected clock; randomness is injectable for tests.
 */
import { monotonicFactory, type PRNG } from 'ulid';
import type { Clock } from './clock.ts';

export type IdPrefix =
  | 'rc'
  | 'lst'
  | 'trd'
  | 'job'
  | 'quo'
  | 'key'
  | 'usr'
  | 'ent'
  | 'txn'
  | 'att'
  | 'agt'
  | 'prn'
  | 'req'
  | 'evt'
  | 'prv'
  | 'jtk'
  | 'pay'
  | 'po'
  | 'ses'
  | 'rsv'
  | 'prp'
  | 'art'
  | 'dsp';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

export function idGenerator(clock: Clock, prng?: PRNG): IdGenerator {
  const ulid = monotonicFactory(prng);
  return { next: (prefix) => `${prefix}_${ulid(clock.nowMs())}` };
}

/** A seeded PRNG (mulberry32) so that ids in tests are reproducible. */
export function seededPrng(seed: number): PRNG {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const idPattern = (prefix: IdPrefix): RegExp => new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
