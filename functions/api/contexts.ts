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
import type { ArtifactsDeps } from '../artifacts/deps.ts';
import { composeApi, type ApiDeps } from './deps.ts';

export interface Compositions {
  [context: string]: PlatformDeps | ApiDeps | LedgerDeps | MarketDeps | JobsDeps | ArtifactsDeps | undefined;
  platform: PlatformDeps;
  api: ApiDeps;
  ledger: LedgerDeps;
  market: MarketDeps;
  jobs?: JobsDeps;
  /** Composed apart like jobs: it needs a bucket and a key wrapper (composeArtifacts). */
  artifacts?: ArtifactsDeps;
}

export function composeContexts(rt: Runtime): Compositions {
  return { platform: composePlatform(rt), api: composeApi(rt), ledger: composeLedger(rt), market: composeMarket(rt) };
}
