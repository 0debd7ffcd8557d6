/** Bounded retry with full jitter, for the failures the SDK does not retry itself. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Injected for deterministic tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 15, capMs: 800 };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Full jitter: a random wait below min(cap, base × 2^(attempt − 1)). */
export function jitteredDelayMs(policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1)));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, retryable: (err: unknown) => boolean, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err)) throw err;
      await sleep(jitteredDelayMs(policy, attempt, random));
    }
  }
}
