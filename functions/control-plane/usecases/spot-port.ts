/**
 * The market's spot-price port answered by the oracle: the clearing price of the job's
 * bucket (governed surge, bounded by the governed spot floor and cap), or null with no live
 * offer. Built on the runtime alone (no signing keys), so a market or billing function
 * composes it without the receipt signers.
 */
import type { Runtime } from '../../platform/runtime.ts';
import { spotPriceOf } from './oracle.ts';

export type OracleSpotPort = (q: { gpuProfile: string; region: string; jobScu: bigint }) => Promise<bigint | null>;

export function oracleSpotPort(rt: Runtime): OracleSpotPort {
  const d = { rt, store: { doc: rt.doc, table: rt.table('controlplane') } };
  return async (q) => (await spotPriceOf(d, { gpuProfile: q.gpuProfile, region: q.region, jobScm: q.jobScu })).priceMicro;
}
