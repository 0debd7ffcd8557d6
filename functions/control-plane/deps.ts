/**
 * The control plane's composition: the runtime, its table, and the receipt signing keys
 * (built on first use: ML-DSA key generation costs milliseconds a cold start need not pay).
 */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ControlPlaneEnv, parseEnv } from '../definitions/environment.ts';
import type { KeyPair } from './domain/signatures.ts';
import { developmentSigningKeys, signingKeysFromSeed } from './drivers/signing-keys.ts';

export interface ControlPlaneDeps extends HasRuntime {
  store: StoreCtx;
  signingKeys(): KeyPair;
  /** False on a cloud stage given no VRACU_RECEIPT_SIGNING_SEED (signingKeys() would throw). */
  canSign(): boolean;
}

const DEVELOPMENT_STAGES = new Set(['local', 'test']);

export function composeControlPlane(rt: Runtime, opts: { signingSeed?: string | undefined } = {}): ControlPlaneDeps {
  let keys: KeyPair | undefined;
  return {
    rt,
    store: { doc: rt.doc, table: rt.table('controlplane') },
    signingKeys() {
      if (keys) return keys;
      if (opts.signingSeed) keys = signingKeysFromSeed(opts.signingSeed);
      else if (DEVELOPMENT_STAGES.has(rt.config.VRACU_STAGE)) keys = developmentSigningKeys(rt.config.VRACU_TABLE_PREFIX);
      else throw new Error(`VRACU_RECEIPT_SIGNING_SEED is required on stage ${rt.config.VRACU_STAGE}`);
      return keys;
    },
    canSign: () => Boolean(opts.signingSeed) || DEVELOPMENT_STAGES.has(rt.config.VRACU_STAGE),
  };
}

export const controlPlaneContext: Composition<ControlPlaneDeps> = {
  context: 'control-plane',
  fromEnv: (env) =>
    composeControlPlane(runtimeFromEnv(env), { signingSeed: parseEnv(ControlPlaneEnv, env, 'control-plane environment').VRACU_RECEIPT_SIGNING_SEED }),
};
