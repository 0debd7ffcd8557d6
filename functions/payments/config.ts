/**
 * The payments context's settings: the environment contract's PaymentsEnv
 * (functions/definitions/environment.ts), parsed once by whoever composes the context.
 */
import { PaymentsEnv, parseEnv } from '../definitions/environment.ts';
import { parseAcu, type MicroAcu } from '../platform/money.ts';
import type { PayoutRail } from './domain/payout.ts';

export interface PaymentsConfig {
  stripeSecretKey: string | null;
  webhookSecret: string | null;
  successUrl: string;
  cancelUrl: string;
  checkout: { minCents: bigint; maxCents: bigint };
  payout: { minMicroAcu: MicroAcu; dailyLimitMicroAcu: MicroAcu; rails: readonly PayoutRail[] };
  chain: { rpcUrl: string; router: string; privateKey: string } | null;
  /** Where reconciliation starts reading the chain. */
  chainFromBlock: number;
}

export function loadPaymentsConfig(env: Readonly<Record<string, string | undefined>>): PaymentsConfig {
  const e = parseEnv(PaymentsEnv, env, 'payments configuration');
  const chain =
    e.VRACU_CHAIN_RPC_URL && e.VRACU_CHAIN_ROUTER && e.VRACU_CHAIN_PRIVATE_KEY
      ? { rpcUrl: e.VRACU_CHAIN_RPC_URL, router: e.VRACU_CHAIN_ROUTER, privateKey: e.VRACU_CHAIN_PRIVATE_KEY }
      : null;
  return {
    stripeSecretKey: e.VRACU_STRIPE_SECRET_KEY ?? null,
    webhookSecret: e.VRACU_STRIPE_WEBHOOK_SECRET ?? null,
    successUrl: e.VRACU_CHECKOUT_SUCCESS_URL,
    cancelUrl: e.VRACU_CHECKOUT_CANCEL_URL,
    checkout: { minCents: BigInt(e.VRACU_CHECKOUT_MIN_CENTS), maxCents: BigInt(e.VRACU_CHECKOUT_MAX_CENTS) },
    payout: { minMicroAcu: parseAcu(e.VRACU_PAYOUT_MIN_ACU), dailyLimitMicroAcu: parseAcu(e.VRACU_PAYOUT_DAILY_LIMIT_ACU), rails: e.VRACU_PAYOUT_RAILS },
    chain,
    chainFromBlock: e.VRACU_CHAIN_FROM_BLOCK,
  };
}
