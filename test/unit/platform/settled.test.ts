/** allSettledOrThrow: the values in order, or the first failure only once every one has settled. */
import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from '../../../functions/platform/settled.ts';

describe('allSettledOrThrow', () => {
  it('answers the values in order', async () => {
    expect(await allSettledOrThrow([Promise.resolve(1), new Promise((r) => setTimeout(() => r(2), 5)), Promise.resolve(3)])).toEqual([1, 2, 3]);
  });

  it('throws the first failure, and only after the others settled', async () => {
    let finish!: () => void;
    let slowDone = false;
    const slow = new Promise<number>((r) => (finish = () => ((slowDone = true), r(0))));
    const run = allSettledOrThrow([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))]);
    let settled = false;
    void run.catch(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false); // Promise.all would have rejected already
    finish();
    await expect(run).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });
});
