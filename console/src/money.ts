/**
 * ACU amounts arrive as decimal strings ("12.345678"). Display formats the string; sums
 * and comparisons use bigint micro-ACU. A Number is made only for chart coordinates.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,6}))?$/;

export function micro(acu: string): bigint {
  const m = DECIMAL.exec(acu);
  if (!m) throw new Error(`not an ACU amount: ${acu}`);
  const v = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -v : v;
}

export function acuOf(microAcu: bigint): string {
  const neg = microAcu < 0n;
  const a = neg ? -microAcu : microAcu;
  return `${neg ? '-' : ''}${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, '0')}`;
}

export const sum = (amounts: string[]): string => acuOf(amounts.reduce((s, a) => s + micro(a), 0n));

/** "1234.500000" → "1,234.50": thousands grouped, trailing zeros cut down to two places. */
export function fmt(acu: string): string {
  const m = DECIMAL.exec(acu);
  if (!m) return acu;
  const whole = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').padEnd(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${m[1] ?? ''}${whole}.${frac}`;
}

/** For plotting only: the position of an amount on an axis. */
export const plotValue = (acu: string): number => Number(micro(acu)) / 1e6;
