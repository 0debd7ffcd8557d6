/**
 * Placement (the directory's side of the jobs context's Placer port): the candidates for a job,
 * in the order they are tried.
 *   1. rc_coverage: the providers of the buyer's usable RCs, in the burn-down order (earliest
 *      expiry first), the first whose RCs' free SCU cover the job's scheduled minutes. A joined
 *      provider must be verified, online and have the GPUs free; a catalog provider without a
 *      node (the fixtures) runs on the exchange's own capacity and is always available.
 *   2. spot: a GPU job no RC covers goes to an online provider whose free units fit, cheapest
 *      spot price first (then most free units, then id: deterministic).
 *   3. exchange_pool: a CPU job no RC covers runs on the exchange's own pool (billed to provider:exchange).
 * A job that requires hardware evidence (snp, tdx, nvidia among its attesters) goes only to a
 * joined provider that proved every such kind recently (domain/evidence.ts): catalog providers
 * without a node and the exchange pool prove nothing, so they never take it.
 * No candidate → the job waits, with the reason.
 */
import { covers, hardwareNeeds, type HardwareKind } from './evidence.ts';

export interface RcView {
  rcId: string;
  providerId: string;
  freeScu: bigint;
}

export interface NodeView {
  providerId: string;
  quotable: boolean;
  freeUnits: number;
  spotPriceMicro: bigint;
  /** Hardware kinds proven and still valid now. */
  proven: ReadonlySet<HardwareKind>;
}

export interface JobNeeds {
  numGpus: number;
  scmMinutes: number;
  /** The job's required attesters (only the hardware kinds among them need a proof). */
  attesters?: readonly string[] | undefined;
}

export type CandidateReason = 'rc_coverage' | 'spot' | 'exchange_pool';

export interface Candidate {
  providerId: string;
  reason: CandidateReason;
  /** Units to take from a joined provider's free units (0: none to take). */
  takeUnits: number;
  detail: string;
}

import { EXCHANGE_POOL } from '../../market/index.ts';
export { EXCHANGE_POOL };

export function candidates(rcs: readonly RcView[], nodes: ReadonlyMap<string, NodeView>, job: JobNeeds): Candidate[] {
  const out: Candidate[] = [];
  const hardware = hardwareNeeds(job.attesters);
  /** Whether a provider may take the job's hardware requirement: a node that proved it (none needed: any). */
  const proves = (node: NodeView | undefined) => hardware.length === 0 || (node !== undefined && covers(node.proven, hardware));
  const need = BigInt(Math.max(1, job.scmMinutes));
  const covered = new Map<string, bigint>();
  const order: string[] = [];
  for (const rc of rcs) {
    if (!covered.has(rc.providerId)) order.push(rc.providerId);
    covered.set(rc.providerId, (covered.get(rc.providerId) ?? 0n) + rc.freeScu);
  }
  for (const id of order) {
    const free = covered.get(id)!;
    if (free < need) continue;
    const node = nodes.get(id);
    if (node && !(node.quotable && node.freeUnits >= job.numGpus)) continue;
    if (!proves(node)) continue;
    out.push({
      providerId: id,
      reason: 'rc_coverage',
      takeUnits: node ? job.numGpus : 0,
      detail: `the buyer's RCs on ${id} hold ${free} free SCU for ${need} scheduled`,
    });
  }
  if (job.numGpus > 0) {
    const fit = [...nodes.values()]
      .filter((n) => n.quotable && n.freeUnits >= job.numGpus && proves(n))
      .sort((a, b) =>
        a.spotPriceMicro !== b.spotPriceMicro
          ? a.spotPriceMicro < b.spotPriceMicro
            ? -1
            : 1
          : a.freeUnits !== b.freeUnits
            ? b.freeUnits - a.freeUnits
            : a.providerId < b.providerId
              ? -1
              : 1,
      );
    for (const n of fit)
      if (!out.some((c) => c.providerId === n.providerId))
        out.push({ providerId: n.providerId, reason: 'spot', takeUnits: job.numGpus, detail: `online with ${n.freeUnits} free units, at spot` });
  } else if (hardware.length === 0) {
    out.push({ providerId: EXCHANGE_POOL, reason: 'exchange_pool', takeUnits: 0, detail: 'a CPU job no RC covers: the exchange pool' });
  }
  return out;
}

/** Why nothing fits (the job's QUEUED reason). */
export const unplacedReason = (job: JobNeeds): string => {
  const hardware = hardwareNeeds(job.attesters);
  if (hardware.length > 0)
    return `no_provider_fits: no available provider has proven ${hardware.join(' and ')} evidence (POST /v1/providers/{id}/evidence) with ${job.numGpus} free GPU units`;
  return `no_provider_fits: no RC of the buyer covers ${Math.max(1, job.scmMinutes)} SCU on an available provider, and no online provider has ${job.numGpus} free GPU units`;
};
