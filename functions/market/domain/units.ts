/**
 * The market's unit of capacity: the SCU (standard compute unit), what an RC reserves and
 * a finished job is billed in — an integer count, in `bigint` like money. It is not a
 * job's quota weight (GPU-minutes, functions/jobs/domain/policy.ts); the brand keeps the
 * two from being passed for each other. A provider's SCM/min converts runtime into SCU
 * (domain/catalog.ts `runtimeToScu`).
 */
export type Scu = bigint & { readonly __unit: 'scu' };

/** An SCU count from an integer already checked (parsed at the edge, or computed). */
export const scu = (n: bigint): Scu => n as Scu;
