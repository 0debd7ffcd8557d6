/** The market context's composition: the runtime and the ledger every money movement goes through. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ledgerFor, type Ledger } from '../ledger/index.ts';

export interface MarketDeps extends HasRuntime {
  ledger: Ledger;
}

export const composeMarket = (rt: Runtime): MarketDeps => ({ rt, ledger: ledgerFor(rt) });

export const marketContext: Composition<MarketDeps> = { context: 'market', fromEnv: (env) => composeMarket(runtimeFromEnv(env)) };
