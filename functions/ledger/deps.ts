/** The ledger context's composition: the runtime and the ledger on its table. */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ledgerFor, type Ledger } from './usecases/transfer.ts';

export interface LedgerDeps extends HasRuntime {
  ledger: Ledger;
}

export const composeLedger = (rt: Runtime): LedgerDeps => ({ rt, ledger: ledgerFor(rt) });

export const ledgerContext: Composition<LedgerDeps> = { context: 'ledger', fromEnv: (env) => composeLedger(runtimeFromEnv(env)) };
