/**
 * Side-effecting work started together ends together: `Promise.all` rejects at the first
 * failure while the rest keep writing, so a caller that retries (or a Lambda that freezes)
 * would run beside its own leftovers. allSettledOrThrow waits for every one, then answers the
 * values in order or throws the first failure.
 */
export async function allSettledOrThrow<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const out = await Promise.allSettled(work);
  const failed = out.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return out.map((o) => (o as PromiseFulfilledResult<T>).value);
}
