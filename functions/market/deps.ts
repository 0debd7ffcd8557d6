/** The market context's composition: the runtime, its table, and the ledger every money movement goes through. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ledgerFor, type Ledger } from '../ledger/index.ts';

export interface MarketDeps extends HasRuntime {
  ledger: Ledger;
  store: StoreCtx;
}

export const composeMarket = (rt: Runtime): MarketDeps => ({ rt, ledger: ledgerFor(rt), store: { doc: rt.doc, table: rt.table('market') } });

export const marketContext: Composition<MarketDeps> = { context: 'market', fromEnv: (env) => composeMarket(runtimeFromEnv(env)) };
