/**
 * The providers context's composition: its directory table, the auth table (a joining
 * provider's principal and key are written with its directory entry, in one transaction),
 * the ledger (its account) and the market (its catalog entry), both through their index.ts.
 */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { composeMarket, type MarketDeps } from '../market/index.ts';
import { gateAttesters, type Attesters } from '../privacy/index.ts';

export interface ProvidersDeps extends HasRuntime {
  store: StoreCtx;
  /** The auth table's name (API keys and principals). */
  authTable: string;
  market: MarketDeps;
  /** The hardware verifiers a provider's evidence is checked with (the privacy gate's, pinned roots). */
  attesters: Attesters;
}

/** `attesters` defaults to the hardware verifiers with the secure default policy (docs/attestation.md). */
export const composeProviders = (rt: Runtime, market: MarketDeps = composeMarket(rt), attesters: Attesters = gateAttesters({}, rt.clock)): ProvidersDeps => ({
  rt,
  store: { doc: rt.doc, table: rt.table('providers') },
  authTable: rt.table('auth'),
  market,
  attesters,
});

export const providersContext: Composition<ProvidersDeps> = { context: 'providers', fromEnv: (env) => composeProviders(runtimeFromEnv(env)) };
