/**
 * The composition root for a process that runs every context (the local stack, tests):
 * each context composed on one runtime. Jobs are composed apart (composeJobs needs a
 * container driver and signers, which the local stack's plugins give).
 */
import type { Runtime } from '../platform/runtime.ts';
import { composePlatform, type PlatformDeps } from '../platform/deps.ts';
import { composeLedger, type LedgerDeps } from '../ledger/deps.ts';
import { composeMarket, type MarketDeps } from '../market/deps.ts';
import type { JobsDeps } from '../jobs/deps.ts';
import { composeControlPlane, type ControlPlaneDeps } from '../control-plane/deps.ts';
import { composeApi, type ApiDeps } from './deps.ts';

export interface Compositions {
  [context: string]: PlatformDeps | ApiDeps | LedgerDeps | MarketDeps | JobsDeps | ControlPlaneDeps | undefined;
  platform: PlatformDeps;
  api: ApiDeps;
  ledger: LedgerDeps;
  market: MarketDeps;
  jobs?: JobsDeps;
  'control-plane': ControlPlaneDeps;
}

export function composeContexts(rt: Runtime): Compositions {
  return { platform: composePlatform(rt), api: composeApi(rt), ledger: composeLedger(rt), market: composeMarket(rt), 'control-plane': composeControlPlane(rt) };
}
