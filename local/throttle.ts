/**
 * A token bucket, as API Gateway throttles: `rate` tokens per second, up to `burst`. Time
 * comes from the stack's clock, so a test's manual clock makes refills deterministic.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = nowMs();
  }
  take(now = this.nowMs()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
