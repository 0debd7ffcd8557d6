/**
 * The control plane's face to other contexts (docs/control-plane.md, "Seams"):
 * - the market: `spotPriceOf` — the clearing price of a job's bucket (null: keep the catalog spot);
 * - the providers' heartbeats: `recordSupply` — a provider's supply offer per bucket;
 * Other contexts import from here only.
 */
export { heartbeatCapacityScm, recordSupply, spotPriceOf, type RecordedOffer } from './usecases/oracle.ts';
export { offerPut } from './store/oracle.ts';
export { governedHoldPort, oracleSpotPort, type OracleSpotPort } from './usecases/market-ports.ts';
export { bucketIdOf, type BucketResult, type SupplyOffer } from './domain/oracle.ts';
export { composeControlPlane, type ControlPlaneDeps } from './deps.ts';
/** The providers' placement: a job with no RC provider asks the scheduler (guards, DRF, MIG units). */
export {
  guardsNow,
  positionOf,
  registerProviderUnits,
  registerUnits,
  releaseReservation,
  reserveCapacity,
  DEFAULT_GUARDS,
  RESERVATION_TTL_MS,
} from './usecases/reserve.ts';
export type { PlacementRequest, Unit, Resources } from './domain/scheduler.ts';
export type { BuyerPosition, Guards, DeclineReason, Reserved } from './domain/reservation.ts';
export { guardFailure } from './domain/reservation.ts';
/** The billing at job end: the metered usage first, the signed receipt of the settlement transfer after. */
export { issueReceipt, usageOf, recordSlice, type IssueReceipt } from './usecases/receipts.ts';
export type { MeteredUsage, Slice } from './domain/metering.ts';
export { verifyReceipt, RECEIPT_LABEL, type SettledAmounts, type SignedReceipt } from './domain/receipt.ts';
/** Key transparency: other contexts publish their keys (agent identities, provider node keys, attestation signers). */
export { publishKey } from './usecases/transparency.ts';
export { checkKey, logKey, type KeyKind, type LogEntry, type SignedTreeHead } from './domain/transparency.ts';
