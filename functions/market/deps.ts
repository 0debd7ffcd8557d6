/** The market context's composition: the runtime, its table, and the ledger every money movement goes through. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ledgerFor, type Ledger } from '../ledger/index.ts';
import { governedHoldPort, oracleSpotPort } from '../control-plane/index.ts';

/**
 * The spot price of a job's bucket now, µACU per SCU (one SCU is one SCM), or null to keep
 * the provider's catalog spot price. The control plane's oracle answers it (the clearing
 * price, bounded by the governed spot floor and cap); the market does not import it.
 */
export type SpotPricePort = (q: { gpuProfile: string; region: string; jobScu: bigint }) => Promise<bigint | null>;

/** The hold fraction of a settlement's spot part, basis points (governed: `settlement.holdBps`); absent: no hold. */
export type HoldFractionPort = () => Promise<bigint>;

export interface MarketPorts {
  spotPrice?: SpotPricePort | undefined;
  holdFraction?: HoldFractionPort | undefined;
}

export interface MarketDeps extends HasRuntime, MarketPorts {
  ledger: Ledger;
  store: StoreCtx;
}

export const composeMarket = (rt: Runtime, ports: MarketPorts = {}): MarketDeps => ({
  rt,
  ledger: ledgerFor(rt),
  store: { doc: rt.doc, table: rt.table('market') },
  ...ports,
});

export const marketContext: Composition<MarketDeps> = { context: 'market', fromEnv: (env) => withOracle(runtimeFromEnv(env)) };

/** The market as deployed: spot from the control plane's oracle, the hold fraction from its governed parameters. */
export const withOracle = (rt: Runtime): MarketDeps => composeMarket(rt, { spotPrice: oracleSpotPort(rt), holdFraction: governedHoldPort(rt) });
