/**
 * The market's ports answered by the control plane, built on the runtime alone (no signing
 * keys), so a market or billing function composes them without the receipt signers:
 * - spot price: the clearing price of the job's bucket (governed surge, bounded by the
 *   governed spot floor and cap), or null with no live offer;
 * - hold fraction: the governed `settlement.holdBps`, read on every settlement.
 */
import type { Runtime } from '../../platform/runtime.ts';
import { parameter } from '../store/governance.ts';
import { spotPriceOf } from './oracle.ts';

export type OracleSpotPort = (q: { gpuProfile: string; region: string; jobScu: bigint }) => Promise<bigint | null>;

const storeOf = (rt: Runtime) => ({ doc: rt.doc, table: rt.table('controlplane') });

export function oracleSpotPort(rt: Runtime): OracleSpotPort {
  const d = { rt, store: storeOf(rt) };
  return async (q) => (await spotPriceOf(d, { gpuProfile: q.gpuProfile, region: q.region, jobScm: q.jobScu })).priceMicro;
}

export function governedHoldPort(rt: Runtime): () => Promise<bigint> {
  const store = storeOf(rt);
  return async () => (await parameter(store, 'settlement.holdBps')).value;
}
