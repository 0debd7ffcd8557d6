/**
 * The price table: the one source of the USD → ACU rate. Each version is a rational rate
 * (µACU per USD cent as num/den, integers only) and an instant from which it applies; a
 * version, once published, never changes: a payment stores the version it was sold at and is
 * credited (and refunded) at that version, whatever the table says later.
 *
 * Rounding, named (platform/money.ts):
 *  - cents → µACU: FLOOR (a buyer is never credited a fraction of a µACU they did not pay for);
 *  - µACU asked → cents charged: CEIL (the buyer pays at least what they asked for, and the
 *    credit, FLOOR of that, is at least the µACU asked);
 *  - a refund of r of C cents claws back FLOOR(credited · r / C) µACU, cumulatively, so the
 *    sum over partial refunds never exceeds the credit and a full refund takes it all back;
 *  - µACU paid out → cents: FLOOR (the exchange never pays more than it debits).
 */
import { divCeil, divFloor, type MicroAcu } from '../../platform/money.ts';

export interface PriceVersion {
  /** Stable name stored on every payment: `p1`, `p2`, … */
  version: string;
  /** ISO instant from which this version applies. */
  effectiveFrom: string;
  /** µACU per USD cent = num / den. */
  microAcuPerCent: { num: bigint; den: bigint };
}

/** Oldest first. 1 ACU = 1 USD: one cent buys 10,000 µACU. */
export const PRICE_TABLE: readonly PriceVersion[] = [{ version: 'p1', effectiveFrom: '2026-01-01T00:00:00.000Z', microAcuPerCent: { num: 10_000n, den: 1n } }];

export class UnknownPriceVersionError extends Error {
  constructor(readonly version: string) {
    super(`price version "${version}" is not in the price table`);
    this.name = 'UnknownPriceVersionError';
  }
}

/** The version in force at `nowMs`: the latest whose effectiveFrom is not after it. */
export function priceAt(nowMs: number, table: readonly PriceVersion[] = PRICE_TABLE): PriceVersion {
  let found: PriceVersion | undefined;
  for (const p of table) if (Date.parse(p.effectiveFrom) <= nowMs) found = p;
  if (!found) throw new RangeError(`no price version is in force at ${new Date(nowMs).toISOString()}`);
  return found;
}

export function priceVersion(version: string, table: readonly PriceVersion[] = PRICE_TABLE): PriceVersion {
  const p = table.find((v) => v.version === version);
  if (!p) throw new UnknownPriceVersionError(version);
  return p;
}

/** FLOOR: the µACU `cents` buy at `p`. */
export const microAcuForCents = (p: PriceVersion, cents: bigint): MicroAcu => divFloor(cents * p.microAcuPerCent.num, p.microAcuPerCent.den);

/** CEIL: the cents that buy at least `microAcu` at `p`. */
export const centsForMicroAcu = (p: PriceVersion, microAcu: MicroAcu): bigint => divCeil(microAcu * p.microAcuPerCent.den, p.microAcuPerCent.num);

/** FLOOR: the cents `microAcu` pay out at `p`. */
export const payoutCentsFor = (p: PriceVersion, microAcu: MicroAcu): bigint => divFloor(microAcu * p.microAcuPerCent.den, p.microAcuPerCent.num);

/** FLOOR, cumulative: what a refund of `refundedCents` (in total) of a `paidCents` payment credited `credited` takes back. */
export function refundMicroAcu(credited: MicroAcu, paidCents: bigint, refundedCents: bigint): MicroAcu {
  if (paidCents <= 0n) throw new RangeError('a payment has a positive amount');
  const r = refundedCents > paidCents ? paidCents : refundedCents;
  return divFloor(credited * r, paidCents);
}

/** "25", "25.5", "25.50" dollars → 2550 cents, exactly (no floats); null when it is not such an amount. */
export function dollarsToCents(usd: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(usd.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}
