/**
 * Settlement holds (seed §9.1 "hold fraction for disputes"). A settled job's held part stays
 * in `hold:<provider>` for HOLD_WINDOW_MS. Within the window the buyer may dispute it; after
 * it an undisputed hold is released to the provider by the `settlement-holds` schedule. An
 * operator decides a disputed hold: awarded to the provider, or refunded to the buyer.
 *
 *   HELD ──(window over, schedule)──▶ RELEASED
 *     └──(buyer disputes in the window)──▶ DISPUTED ──(operator)──▶ RELEASED | REFUNDED
 */
import { isoAt } from '../../platform/clock.ts';

export const HOLD_WINDOW_MS = 72 * 3600_000;

export type HoldStatus = 'HELD' | 'DISPUTED' | 'RELEASED' | 'REFUNDED';

export interface Hold {
  jobId: string;
  userId: string;
  providerId: string;
  amountMicro: bigint;
  releaseAt: string;
  status: HoldStatus;
  /** Why the buyer disputed it (DISPUTED and after). */
  dispute?: string | undefined;
  /** When it was released or refunded, and the ledger transfer that did it. */
  settledAt?: string | undefined;
  transferId?: string | undefined;
}

export const holdReleaseAt = (settledAtMs: number): string => isoAt(settledAtMs + HOLD_WINDOW_MS);

/** Why the buyer may not dispute this hold now, or null. */
export function disputeRefusal(h: Hold, nowIso: string): string | null {
  if (h.status !== 'HELD') return `the hold is ${h.status.toLowerCase()}`;
  if (nowIso >= h.releaseAt) return `the dispute window ended at ${h.releaseAt}`;
  return null;
}

/** Where an operator's decision sends a disputed hold. */
export type Award = 'provider' | 'buyer';
export const statusAfterAward = (a: Award): HoldStatus => (a === 'provider' ? 'RELEASED' : 'REFUNDED');
