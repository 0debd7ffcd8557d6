/**
 * A provider in the directory: one id for the three things it is — the catalog entry in the
 * market, the principal with the provider role (its API key), and the owner of its node and
 * agents. It joins (JOINED), proves it holds its node key (VERIFIED), and is online while its
 * heartbeats arrive. Quotable and placeable only when verified and online.
 */
import type { NodeKeyAlgorithm } from './node-key.ts';
import type { Microbench } from './calibration.ts';
import type { GpuInventory, Telemetry } from './heartbeat.ts';
import type { Proven } from './evidence.ts';

export type ProviderStatus = 'JOINED' | 'VERIFIED';

export interface DirectoryProvider {
  providerId: string;
  name: string;
  gpuModel: string;
  region: string;
  /** What the join token allowed and the node declared: the most units it offers. */
  units: number;
  scope: string;
  treasuryAccount: string | null;
  tokenId: string;
  status: ProviderStatus;
  online: boolean;
  /** Market terms: spot price (µACU per SCU), reserved fraction and reliability floor (ppm). */
  spotPriceMicro: bigint;
  reservedFractionPpm: bigint;
  reliabilityFloorPpm: bigint;
  /** SCM per wall-clock minute ×1000, from calibration (until then the model's nominal figure). */
  scmPerMinMilli: bigint;
  /** Free units as the last heartbeat reported them. */
  freeUnits: number;
  /** Units held by placed jobs that have not ended (one hold item per job; given back when the job ends). */
  heldUnits: number;
  publicKey: string | null;
  keyAlgorithm: NodeKeyAlgorithm | null;
  challenge: string | null;
  challengeExpiresAtMs: number | null;
  lastHeartbeatMs: number | null;
  inventory: GpuInventory | null;
  telemetry: Telemetry | null;
  calibration: Microbench | null;
  /** Hardware evidence kinds the provider has proven, and when (domain/evidence.ts). */
  proven: Proven | null;
  /** The open evidence nonce (hex) and its expiry: single use. */
  evidenceNonce: string | null;
  evidenceNonceExpiresAtMs: number | null;
  contact: string | null;
  /** The supply offer its heartbeats last put in the oracle (digest `capacity|price`, when). */
  lastOfferDigest?: string | null;
  lastOfferAtMs?: number | null;
  createdAt: string;
}

/**
 * Units a new job may take: what the node reported free, and never more than the units offered less
 * those held. A node that runs the jobs itself reports them as busy; a node whose jobs run elsewhere (the
 * local sandbox) reports every unit free: the held count is right in both.
 */
export const availableUnits = (p: Pick<DirectoryProvider, 'freeUnits' | 'heldUnits' | 'units'>): number =>
  Math.max(0, Math.min(p.freeUnits, p.units - p.heldUnits));

export const isQuotable = (p: Pick<DirectoryProvider, 'status' | 'online'>): boolean => p.status === 'VERIFIED' && p.online;

/** Nominal SCM/min ×1000 of known models before a node's own calibration (the fixtures' figures). */
export const NOMINAL_SCM_MILLI: Readonly<Record<string, bigint>> = { H200: 1400n, H100: 1000n, MI300X: 1100n, A100: 700n, L40S: 450n };
export const nominalScmMilli = (gpuModel: string): bigint => NOMINAL_SCM_MILLI[gpuModel] ?? 500n;

/** Defaults of a joined provider's market terms (an operator changes them with PATCH). */
export const DEFAULT_RESERVED_FRACTION_PPM = 300_000n;
export const DEFAULT_RELIABILITY_FLOOR_PPM = 900_000n;
