/**
 * The providers context's composition: its directory table, the auth table (a joining
 * provider's principal and key are written with its directory entry, in one transaction),
 * the ledger (its account) and the market (its catalog entry), both through their index.ts.
 */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { composeMarket, type MarketDeps } from '../market/index.ts';
import type { Attesters } from '../privacy/index.ts';
import { SSMClient } from '@aws-sdk/client-ssm';
import { EcsAnywhereEnv, parseEnv } from '../definitions/environment.ts';
import type { Activations } from './drivers/activations.ts';
import { activationsFromEnv } from './drivers/ssm-activations.ts';

export interface ProvidersDeps extends HasRuntime {
  store: StoreCtx;
  /** The auth table's name (API keys and principals). */
  authTable: string;
  market: MarketDeps;
  /**
   * The hardware verifiers a provider's evidence is checked with (the privacy gate's, pinned
   * roots). Only the compositions that judge evidence build them: the jobs context composes
   * providers for placement, and the verifiers' libraries would triple every jobs function's bundle.
   */
  attesters?: Attesters | undefined;
  /** The privacy context's revocation registry (read: a revoked provider is placed no new job). */
  revocations: StoreCtx;
  /** The control plane's table: a heartbeat puts the provider's supply offer in the oracle. */
  controlPlane: StoreCtx;
  /** ECS Anywhere: a joining machine's SSM hybrid activation. None: the join answers none (the local stack). */
  activations?: Activations | undefined;
}

/** Without `attesters` the composition judges no evidence (placement, the directory); functions/api/provider-evidence.ts adds them. */
export const composeProviders = (rt: Runtime, market: MarketDeps = composeMarket(rt), attesters?: Attesters, activations?: Activations): ProvidersDeps => ({
  rt,
  store: { doc: rt.doc, table: rt.table('providers') },
  authTable: rt.table('auth'),
  revocations: { doc: rt.doc, table: rt.table('revocations') },
  controlPlane: { doc: rt.doc, table: rt.table('controlplane') },
  market,
  attesters,
  activations,
});

export const providersContext: Composition<ProvidersDeps> = {
  context: 'providers',
  fromEnv: (env) => {
    const rt = runtimeFromEnv(env);
    const activations = activationsFromEnv(
      parseEnv(EcsAnywhereEnv, env, 'ECS Anywhere configuration'),
      rt.config.AWS_REGION,
      () => new SSMClient({ region: rt.config.AWS_REGION }),
    );
    return composeProviders(rt, undefined, undefined, activations);
  },
};
