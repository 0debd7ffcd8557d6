/**
 * The payments context's settings: the environment contract's PaymentsEnv
 * (functions/definitions/environment.ts), parsed once by whoever composes the context.
 */
import { EnvironmentError, PaymentsEnv, parseEnv } from '../definitions/environment.ts';
import { parseAcu, type MicroAcu } from '../platform/money.ts';
import type { PayoutRail } from './domain/payout.ts';

/** How the chain wallet signs: a key held as a value, or a KMS key it never sees. */
export type ChainSignerConfig = { kind: 'key'; privateKey: string } | { kind: 'kms'; keyId: string; endpoint?: string };

export interface PaymentsConfig {
  stripeSecretKey: string | null;
  webhookSecret: string | null;
  successUrl: string;
  cancelUrl: string;
  checkout: { minCents: bigint; maxCents: bigint };
  payout: { minMicroAcu: MicroAcu; dailyLimitMicroAcu: MicroAcu; rails: readonly PayoutRail[] };
  chain: { rpcUrl: string; router: string; signer: ChainSignerConfig } | null;
  /** Where reconciliation starts reading the chain. */
  chainFromBlock: number;
  reconcile: { confirmations: number; windowBlocks: number; maxMatches: number };
}

export function loadPaymentsConfig(env: Readonly<Record<string, string | undefined>>): PaymentsConfig {
  const e = parseEnv(PaymentsEnv, env, 'payments configuration');
  if (e.VRACU_CHAIN_PRIVATE_KEY && e.VRACU_CHAIN_KMS_KEY_ID)
    throw new EnvironmentError(
      'invalid payments configuration:\n  VRACU_CHAIN_KMS_KEY_ID: the chain wallet signs with a KMS key or with VRACU_CHAIN_PRIVATE_KEY, not both',
    );
  const signer: ChainSignerConfig | null = e.VRACU_CHAIN_KMS_KEY_ID
    ? { kind: 'kms', keyId: e.VRACU_CHAIN_KMS_KEY_ID, ...(e.VRACU_KMS_ENDPOINT ? { endpoint: e.VRACU_KMS_ENDPOINT } : {}) }
    : e.VRACU_CHAIN_PRIVATE_KEY
      ? { kind: 'key', privateKey: e.VRACU_CHAIN_PRIVATE_KEY }
      : null;
  const chain = e.VRACU_CHAIN_RPC_URL && e.VRACU_CHAIN_ROUTER && signer ? { rpcUrl: e.VRACU_CHAIN_RPC_URL, router: e.VRACU_CHAIN_ROUTER, signer } : null;
  return {
    stripeSecretKey: e.VRACU_STRIPE_SECRET_KEY ?? null,
    webhookSecret: e.VRACU_STRIPE_WEBHOOK_SECRET ?? null,
    successUrl: e.VRACU_CHECKOUT_SUCCESS_URL,
    cancelUrl: e.VRACU_CHECKOUT_CANCEL_URL,
    checkout: { minCents: BigInt(e.VRACU_CHECKOUT_MIN_CENTS), maxCents: BigInt(e.VRACU_CHECKOUT_MAX_CENTS) },
    payout: { minMicroAcu: parseAcu(e.VRACU_PAYOUT_MIN_ACU), dailyLimitMicroAcu: parseAcu(e.VRACU_PAYOUT_DAILY_LIMIT_ACU), rails: e.VRACU_PAYOUT_RAILS },
    chain,
    chainFromBlock: e.VRACU_CHAIN_FROM_BLOCK,
    reconcile: {
      confirmations: e.VRACU_CHAIN_RECONCILE_CONFIRMATIONS,
      windowBlocks: e.VRACU_CHAIN_RECONCILE_WINDOW,
      maxMatches: e.VRACU_CHAIN_RECONCILE_MAX_MATCHES,
    },
  };
}
