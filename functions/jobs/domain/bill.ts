/**
 * Billing a job's end (docs/providers.md "Billed endings"). Which endings are billed is one
 * rule, decided on the job's terminal status, its reason and whether a container existed (a
 * signed creation attestation):
 *
 *   COMPLETED                                   billed   the work was delivered
 *   ABORTED  cancelled (by the buyer)           billed   the runtime until the cancel was used
 *   ABORTED  timeout (the buyer's own deadline) billed   the runtime the buyer asked for was used
 *   FAILED   nonzero_exit, oom_killed           billed   the workload's own failure; the compute was delivered
 *   FAILED   container_lost, attestation_failed not     the provider's failure (lost it, or could not prove its hardware)
 *   ABORTED  lease_expired, provider_offline,
 *            revoked_session                     not      the exchange or the provider ended it
 *   any      without a creation attestation     not      never started (launch_failed, agent_key_unavailable,
 *                                                        profile_changed, cancelled while queued)
 *
 * Usage is what the job's metered slices say when it has any (the control plane's METER_CEIL:
 * whole SCM rounded up, the uncovered part at the slices' SCM-weighted TWAP), else the runtime
 * between the signed creation and deletion attestations, in whole seconds rounded up
 * (RUNTIME_SECONDS_CEIL: a started second counts), which the market converts to SCU with the
 * provider's SCM/min (RUNTIME_CEIL, market domain/catalog.ts) and prices at spot now. The
 * market's one coverage transfer is the settlement (the governed hold of the spot part
 * included); the control plane signs its receipt (GET /v1/jobs/{id}/receipt).
 *
 * Two units, two names: a job's quota weight is GpuMinutes (domain/policy.ts); what is billed is
 * SCU, the market's standard compute unit (market `Scu`). Neither is passed for the other.
 */
import type { JobStatus } from './lifecycle.ts';

export type BillingRule = 'completed' | 'cancelled_by_buyer' | 'buyer_deadline' | 'workload_failed';
export type NotBilled = 'never_started' | 'provider_failure' | 'ended_by_exchange' | 'not_terminal';

export type Billability = { billed: true; rule: BillingRule } | { billed: false; why: NotBilled };

export function billability(j: { status: JobStatus; reason?: string | undefined; hasCreation: boolean }): Billability {
  if (j.status !== 'COMPLETED' && j.status !== 'FAILED' && j.status !== 'ABORTED') return { billed: false, why: 'not_terminal' };
  if (!j.hasCreation) return { billed: false, why: 'never_started' };
  if (j.status === 'COMPLETED') return { billed: true, rule: 'completed' };
  if (j.status === 'ABORTED') {
    if (j.reason === 'cancelled') return { billed: true, rule: 'cancelled_by_buyer' };
    if (j.reason === 'timeout') return { billed: true, rule: 'buyer_deadline' };
    return { billed: false, why: 'ended_by_exchange' };
  }
  if (j.reason === 'nonzero_exit' || j.reason === 'oom_killed') return { billed: true, rule: 'workload_failed' };
  return { billed: false, why: 'provider_failure' };
}

/** Whole seconds between the attestations, rounded up; 0 if the clock ran backwards. */
export function runtimeSeconds(createdAtIso: string, destroyedAtIso: string): bigint {
  const ms = Date.parse(destroyedAtIso) - Date.parse(createdAtIso);
  if (!Number.isFinite(ms) || ms <= 0) return 0n;
  return BigInt(Math.ceil(ms / 1000));
}

/** The bill as the job carries it (money as ACU strings, SCU as integers: what the market answered). */
export interface JobBill {
  rule: BillingRule;
  providerId: string;
  runtimeSeconds: number;
  scu: number;
  coveredScu: number;
  spotScu: number;
  rcDraws: { rcId: string; scu: number; amount: string }[];
  spotAmount: string;
  amount: string;
  arrears: string;
  /** `metered`: from the job's slices; `runtime`: from the attested runtime. */
  basis: 'metered' | 'runtime';
  /** ACU per SCU the spot part paid (the slices' TWAP, or the spot price at the bill). */
  spotPrice: string;
  /** Part of the spot amount held for the dispute window, and when it goes to the provider. */
  hold: string;
  holdReleaseAt: string | null;
  /** The ledger transfer that settled the job. */
  transferId: string;
  billedAt: string;
}
