/**
 * The composition root for a process that runs every context (the local stack, tests):
 * each context composed on one runtime. Jobs are composed apart (composeJobs needs a
 * container driver and signers, which the local stack's plugins give), and privacy on jobs.
 */
import type { Runtime } from '../platform/runtime.ts';
import { composePlatform, type PlatformDeps } from '../platform/deps.ts';
import { composeLedger, type LedgerDeps } from '../ledger/deps.ts';
import { withOracle, type MarketDeps } from '../market/deps.ts';
import type { JobsDeps } from '../jobs/deps.ts';
import { composeProviders, type ProvidersDeps } from '../providers/deps.ts';
import { composePayments, loadPaymentsConfig, type PaymentsDeps } from '../payments/index.ts';
import type { PrivacyDeps } from '../privacy/deps.ts';
import { gateAttesters } from '../privacy/drivers/attesters.ts';
import { composeControlPlane, type ControlPlaneDeps } from '../control-plane/deps.ts';
import type { ArtifactsDeps } from '../artifacts/deps.ts';
import { composeApi, type ApiDeps } from './deps.ts';

export interface Compositions {
  [context: string]:
    | PlatformDeps
    | ApiDeps
    | LedgerDeps
    | MarketDeps
    | JobsDeps
    | ProvidersDeps
    | PaymentsDeps
    | PrivacyDeps
    | ControlPlaneDeps
    | ArtifactsDeps
    | undefined;
  platform: PlatformDeps;
  api: ApiDeps;
  ledger: LedgerDeps;
  market: MarketDeps;
  jobs?: JobsDeps;
  providers: ProvidersDeps;
  /** Composed with the default config (offline Stripe, no webhook secret); the local stack and tests compose their own. */
  payments: PaymentsDeps;
  /** Composed on jobs (an attested job's lifecycle), where jobs run. */
  privacy?: PrivacyDeps;
  'control-plane': ControlPlaneDeps;
  /** Composed apart like jobs: it needs a bucket and a key wrapper (composeArtifacts). */
  artifacts?: ArtifactsDeps;
}

export function composeContexts(rt: Runtime): Compositions {
  const market = withOracle(rt);
  return {
    platform: composePlatform(rt),
    api: composeApi(rt),
    ledger: composeLedger(rt),
    market,
    providers: composeProviders(rt, market, gateAttesters({}, rt.clock)),
    payments: composePayments({ rt, config: loadPaymentsConfig({}) }),
    'control-plane': composeControlPlane(rt),
  };
}
