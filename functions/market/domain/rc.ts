/** A reservation contract (RC) as the domain sees it. */
import type { Tenor } from './catalog.ts';

export type RcStatus = 'ACTIVE' | 'FULLY_USED' | 'EXPIRED';

export interface Rc {
  rcId: string;
  ownerId: string;
  providerId: string;
  gpuProfile: string;
  region: string;
  tenor: Tenor;
  status: RcStatus;
  maxScu: bigint;
  usedScu: bigint;
  /** SCU offered on open listings; coverage never consumes them. */
  listedScu: bigint;
  lockMicro: bigint;
  commitMicro: bigint;
  usageMicro: bigint;
  /** Mirror of the ledger account escrow:<rcId>, written in the same transactions. */
  escrowMicro: bigint;
  createdAt: string;
  expiresAt: string;
  parentRcId: string | null;
  version: bigint;
}

/** SCU still usable and not offered for sale. */
export const freeScu = (rc: Rc): bigint => rc.maxScu - rc.usedScu - rc.listedScu;

/** Status after a change of max/used: FULLY_USED once nothing is left. */
export const statusAfter = (maxScu: bigint, usedScu: bigint): RcStatus => (usedScu >= maxScu ? 'FULLY_USED' : 'ACTIVE');
