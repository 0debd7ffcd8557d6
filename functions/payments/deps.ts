/**
 * The payments context's composition. Explicit inputs: the runtime, its parsed config, the
 * Stripe port (the `stripe` package when a key is configured, the offline adapter otherwise,
 * or whatever a test gives) and, for the chain rail, the ChainWallet (connected on first use).
 */
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { KMSClient } from '@aws-sdk/client-kms';
import { Wallet, type Signer } from 'ethers';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ledgerFor, type Ledger } from '../ledger/index.ts';
import { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
import type { StripeGateway } from './drivers/stripe.ts';
import { StripeApiGateway, stripeClient } from './drivers/stripe-api.ts';
import { OfflineStripe } from './drivers/stripe-offline.ts';
import type { ChainWallet } from './drivers/wallet.ts';
import { chainProvider, connectChainWallet } from './drivers/chain-wallet.ts';
import { resolvePaymentsSecrets, secretsManagerReader } from './drivers/secrets.ts';

export interface PaymentsDeps extends HasRuntime {
  cfg: PaymentsConfig;
  store: StoreCtx;
  ledger: Ledger;
  stripe: StripeGateway;
  /** The chain rail's wallet, or null when no chain is configured. */
  wallet: (() => Promise<ChainWallet>) | null;
}

export interface PaymentsInputs {
  rt: Runtime;
  config: PaymentsConfig;
  stripe?: StripeGateway;
  wallet?: () => Promise<ChainWallet>;
  /** The KMS client of a KMS-signed wallet (tests give one on the loopback KMS). */
  kms?: () => KMSClient;
}

/** The chain wallet's signer on its provider. KMS's client is loaded only by a function that signs with it. */
async function chainSigner(chain: NonNullable<PaymentsConfig['chain']>, region: string | undefined, kms?: () => KMSClient): Promise<Signer> {
  const provider = chainProvider(chain.rpcUrl);
  if (chain.signer.kind === 'key') return new Wallet(chain.signer.privateKey, provider);
  const [{ KMSClient }, { KmsChainSigner }] = await Promise.all([import('@aws-sdk/client-kms'), import('./drivers/kms-chain-signer.ts')]);
  const endpoint = chain.signer.endpoint;
  // An endpoint is the loopback KMS (local stack, tests), which checks no signature.
  const client = kms?.() ?? new KMSClient({ region, ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) });
  return KmsChainSigner.of(client, chain.signer.keyId, provider);
}

export function composePayments(i: PaymentsInputs): PaymentsDeps {
  const { rt, config: cfg } = i;
  const stripe = i.stripe ?? (cfg.stripeSecretKey ? new StripeApiGateway(stripeClient({ apiKey: cfg.stripeSecretKey })) : new OfflineStripe());
  let wallet: Promise<ChainWallet> | undefined;
  const chain = cfg.chain;
  const connect =
    i.wallet ?? (chain ? async () => connectChainWallet({ signer: await chainSigner(chain, rt.config.AWS_REGION, i.kms), routerAddress: chain.router }) : null);
  return {
    rt,
    cfg,
    store: { doc: rt.doc, table: rt.table('payments') },
    ledger: ledgerFor(rt),
    stripe,
    wallet: connect
      ? () => {
          wallet ??= connect();
          wallet.catch(() => (wallet = undefined));
          return wallet;
        }
      : null,
  };
}

export const paymentsContext: Composition<PaymentsDeps> = {
  context: 'payments',
  // The cloud names its secrets (Secrets Manager); they are read once, before the composition.
  prepare: (env) => resolvePaymentsSecrets(env, () => secretsManagerReader()),
  fromEnv: (env) => composePayments({ rt: runtimeFromEnv(env), config: loadPaymentsConfig(env) }),
};
