/** How the control plane's results are shown over the API: money as ACU strings, ratios as bp integers. */
import { formatAcu } from '../platform/money.ts';
import type { BucketResult, DemandConfig } from './domain/oracle.ts';
import type { Unit } from './domain/scheduler.ts';
import type { Proposal } from './domain/governance.ts';
import type { Reserved } from './domain/reservation.ts';
import { isoAt } from '../platform/clock.ts';

const acuOrNull = (v: bigint | null) => (v === null ? null : formatAcu(v));

export function bucketOut(r: BucketResult, demand: DemandConfig, configured: boolean, at: string) {
  return {
    bucketId: r.bucketId,
    at,
    configured,
    demand: {
      windowMinutes: demand.windowMinutes,
      demandScm: Number(demand.demandScm),
      reserveRatioBps: Number(demand.reserveRatioBps),
      floorPrice: formatAcu(demand.floorPriceMicro),
      capPrice: formatAcu(demand.capPriceMicro),
    },
    demandScm: Number(r.demandScm),
    requiredScm: Number(r.requiredScm),
    supplyScm: Number(r.supplyScm),
    offers: r.offers,
    marginalPrice: acuOrNull(r.marginalPriceMicro),
    clearingPrice: acuOrNull(r.clearingPriceMicro),
    utilisationBps: Number(r.utilisationBps),
    surgeBps: Number(r.surgeBps),
    surgeApplied: r.surgeApplied,
    bounded: r.bounded,
    unfilledScm: Number(r.unfilledScm),
    allocations: r.allocations.map((a) => ({ providerId: a.providerId, scm: Number(a.scm), price: formatAcu(a.priceMicro) })),
  };
}

export function priceOut(r: BucketResult, at: string) {
  return {
    bucketId: r.bucketId,
    at,
    clearingPrice: acuOrNull(r.clearingPriceMicro),
    surgeBps: Number(r.surgeBps),
    utilisationBps: Number(r.utilisationBps),
    bounded: r.bounded,
  };
}

export function unitOut(u: Unit) {
  return {
    unitId: u.unitId,
    providerId: u.providerId,
    gpuProfile: u.gpuProfile,
    region: u.region,
    kind: u.kind,
    gpuId: u.gpuId,
    migProfile: u.migProfile ?? null,
    memoryMb: Number(u.capacity.memoryMb),
    sms: Number(u.capacity.sms),
    attainedScm: Number(u.attainedScm),
    allocations: u.allocations.map((a) => ({ jobId: a.jobId, tenantId: a.tenantId, memoryMb: Number(a.need.memoryMb), sms: Number(a.need.sms) })),
  };
}

export function reservedOut(r: Reserved) {
  if (r.status === 'declined') return { status: r.status, jobId: r.jobId, reason: r.reason, detail: r.detail };
  return {
    status: r.status,
    reservationId: r.reservationId,
    jobId: r.jobId,
    providerId: r.providerId,
    unitId: r.unitId,
    expiresAt: isoAt(r.expiresAt),
    cost: formatAcu(r.costMicro),
  };
}

export function proposalOut(p: Proposal) {
  const yes = p.votes.filter((v) => v.support).length;
  return {
    proposalId: p.id,
    parameter: p.parameter,
    value: p.value.toString(),
    baseVersion: Number(p.baseVersion),
    proposer: p.proposer,
    status: p.status,
    createdAt: isoAt(p.createdAt),
    votingEndsAt: isoAt(p.votingEndsAt),
    eta: p.eta === undefined ? null : isoAt(p.eta),
    executedAt: p.executedAt === undefined ? null : isoAt(p.executedAt),
    yes,
    no: p.votes.length - yes,
    votes: p.votes.map((v) => ({ voter: v.voter, role: v.role, support: v.support, at: isoAt(v.at) })),
  };
}
