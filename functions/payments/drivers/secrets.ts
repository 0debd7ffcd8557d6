/**
 * The payments secrets in the cloud: the Stripe secret key, the webhook signing secret and
 * (unless the wallet signs with KMS) the chain wallet's key live in Secrets Manager; the function's environment names them
 * (VRACU_*_ARN, set by the CDK) and they are read once at start through Powertools
 * Parameters. Locally they are plain settings (config) and nothing is read.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseEnv, PaymentsEnv, type PaymentsNeed } from '../../definitions/environment.ts';

export interface SecretReader {
  /** The secret's SecretString. */
  get(secretId: string): Promise<string>;
}

/** Powertools' SecretsProvider over the SDK client (its cache keeps a value 5 minutes: one read per container in practice). */
export function secretsManagerReader(client: SecretsManagerClient = new SecretsManagerClient({})): SecretReader {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  return {
    async get(secretId) {
      const v = await provider.get(secretId, { maxAge: 300 });
      if (typeof v !== 'string') throw new Error('the secret holds no SecretString');
      return v;
    },
  };
}

export class PaymentsSecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentsSecretsError';
  }
}

const WHAT: Record<PaymentsNeed, string> = {
  stripeKey: 'the Stripe secret key (VRACU_STRIPE_SECRET_KEY_ARN, or VRACU_STRIPE_SECRET_KEY locally)',
  webhookSecret: 'the Stripe webhook signing secret (VRACU_STRIPE_WEBHOOK_SECRET_ARN, or VRACU_STRIPE_WEBHOOK_SECRET locally)',
  chain:
    'the chain settings (VRACU_CHAIN_RPC_URL, VRACU_CHAIN_ROUTER and the wallet: VRACU_CHAIN_KMS_KEY_ID or VRACU_CHAIN_PRIVATE_KEY_ARN, or VRACU_CHAIN_PRIVATE_KEY locally)',
};

/**
 * Reads the secrets the environment names and returns them as the settings they stand for
 * (VRACU_STRIPE_SECRET_KEY, ...), to lay over the environment. Refuses, naming what is
 * missing and never a value, when a secret cannot be read or when something the function
 * requires (VRACU_PAYMENTS_REQUIRES) is neither named nor set.
 */
export async function resolvePaymentsSecrets(env: Readonly<Record<string, string | undefined>>, reader: () => SecretReader): Promise<Record<string, string>> {
  const e = parseEnv(PaymentsEnv, env, 'payments configuration');
  const named: [string, string | undefined, string][] = [
    ['VRACU_STRIPE_SECRET_KEY', e.VRACU_STRIPE_SECRET_KEY_ARN, 'the Stripe secret key'],
    ['VRACU_STRIPE_WEBHOOK_SECRET', e.VRACU_STRIPE_WEBHOOK_SECRET_ARN, 'the Stripe webhook signing secret'],
    ['VRACU_CHAIN_PRIVATE_KEY', e.VRACU_CHAIN_PRIVATE_KEY_ARN, 'the chain wallet key'],
  ];
  const wanted = named.filter((n): n is [string, string, string] => n[1] !== undefined);
  const out: Record<string, string> = {};
  if (wanted.length) {
    const r = reader();
    await Promise.all(
      wanted.map(async ([setting, id, what]) => {
        let v: string;
        try {
          v = (await r.get(id)).trim();
        } catch (err) {
          throw new PaymentsSecretsError(`could not read ${what} from Secrets Manager (${id}): ${(err as Error).message}`);
        }
        if (!v) throw new PaymentsSecretsError(`${what} in Secrets Manager (${id}) is empty`);
        out[setting] = v;
      }),
    );
  }
  const value = (k: string) => out[k] ?? env[k];
  const have: Record<PaymentsNeed, boolean> = {
    stripeKey: Boolean(value('VRACU_STRIPE_SECRET_KEY')),
    webhookSecret: Boolean(value('VRACU_STRIPE_WEBHOOK_SECRET')),
    chain: Boolean(e.VRACU_CHAIN_RPC_URL && e.VRACU_CHAIN_ROUTER && (e.VRACU_CHAIN_KMS_KEY_ID || value('VRACU_CHAIN_PRIVATE_KEY'))),
  };
  const missing = e.VRACU_PAYMENTS_REQUIRES.filter((n) => !have[n]);
  if (missing.length) throw new PaymentsSecretsError(`this payments function cannot start without ${missing.map((n) => WHAT[n]).join('; ')}`);
  return out;
}
