/**
 * The payments secrets in the cloud: created (or referenced by the ARN the config gives) in
 * the data stack; each payments function gets the names and ARNs of exactly the settings its
 * code uses (never a value) and read access to those secrets only; nothing else reads them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EnvironmentSchema } from '../../lib/config.ts';
import { PaymentsSecrets } from '../../lib/constructs/payments-secrets.ts';
import { asArray, CDK_CONTEXT, refId, resources, synthEnvironment, type Synthesized } from './support.ts';

const ENV = 'dev';
const prefix = `vracu-${ENV}`;
const STRIPE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vracu-dev/stripe-live-key-AbCdEf';
const ROUTER = `0x${'12'.repeat(20)}`;

function fnOf(s: Synthesized, id: string) {
  for (const t of s.all) {
    const fn = Object.values(resources(t, 'AWS::Lambda::Function')).find((f) => f.Properties!.FunctionName === `${prefix}-${id}`);
    if (fn) {
      const roleId = refId(fn.Properties!.Role)!;
      const policies = Object.values(resources(t, 'AWS::IAM::Policy')).filter((p) => asArray(p.Properties!.Roles).some((r) => refId(r) === roleId));
      return { env: fn.Properties!.Environment.Variables as Record<string, unknown>, policy: JSON.stringify(policies) };
    }
  }
  throw new Error(`no function ${id}`);
}

/** The secrets a function's policy lets it read, by the construct they come from (or the ARN given). */
function secretsRead(policy: string): string[] {
  const statements = JSON.parse(policy).flatMap((p: { Properties: { PolicyDocument: { Statement: unknown[] } } }) => p.Properties.PolicyDocument.Statement) as {
    Action: string | string[];
    Resource: unknown;
  }[];
  const read = statements.filter((st) => asArray(st.Action).includes('secretsmanager:GetSecretValue'));
  const names = read
    .flatMap((st) => asArray(st.Resource as unknown))
    .map((r) => JSON.stringify(r))
    .map((r) => /StripeSecretKey|StripeWebhookSecret|ChainWalletKey/.exec(r)?.[0] ?? (r.includes(STRIPE_ARN) ? 'given' : r));
  return [...new Set(names)].sort();
}

const ARN_VARS = ['VRACU_STRIPE_SECRET_KEY_ARN', 'VRACU_STRIPE_WEBHOOK_SECRET_ARN', 'VRACU_CHAIN_PRIVATE_KEY_ARN'];
const arnVars = (env: Record<string, unknown>) => ARN_VARS.filter((k) => k in env);

describe('without a chain (the dev config as it is)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthEnvironment(ENV);
  }, 400_000);

  it('creates the two Stripe secrets in the data stack, with no value in the template; cdk-nag passes', () => {
    expect(s.synthError).toBeUndefined();
    const secrets = Object.values(resources(s.t.data, 'AWS::SecretsManager::Secret'))
      .map((r) => r.Properties!.Name)
      .sort();
    expect(secrets).toEqual([`${prefix}/payments/stripe-secret-key`, `${prefix}/payments/stripe-webhook-secret`]);
    for (const r of Object.values(resources(s.t.data, 'AWS::SecretsManager::Secret'))) expect(r.Properties!.SecretString).toBeUndefined();
  });

  it('gives each payments function the names of what it needs and read access to those secrets only', () => {
    const checkout = fnOf(s, 'payments-checkout');
    expect(checkout.env.VRACU_PAYMENTS_REQUIRES).toBe('stripeKey');
    expect(arnVars(checkout.env)).toEqual(['VRACU_STRIPE_SECRET_KEY_ARN']);
    expect(secretsRead(checkout.policy)).toEqual(['StripeSecretKey']);

    const webhook = fnOf(s, 'payments-stripe-webhook');
    expect(webhook.env.VRACU_PAYMENTS_REQUIRES).toBe('webhookSecret');
    expect(arnVars(webhook.env)).toEqual(['VRACU_STRIPE_WEBHOOK_SECRET_ARN']);
    expect(secretsRead(webhook.policy)).toEqual(['StripeWebhookSecret']);

    const payouts = fnOf(s, 'payouts-consumer');
    expect(payouts.env.VRACU_PAYMENTS_REQUIRES).toBe('stripeKey');
    expect(secretsRead(payouts.policy)).toEqual(['StripeSecretKey']);

    // No chain configured: the chain's functions need nothing and read nothing.
    for (const id of ['stripe-events-consumer', 'payments-reconcile', 'payments-reconcile-schedule', 'payments-payout-request']) {
      const f = fnOf(s, id);
      expect([f.env.VRACU_PAYMENTS_REQUIRES, arnVars(f.env), 'VRACU_CHAIN_RPC_URL' in f.env, secretsRead(f.policy)], id).toEqual(['', [], false, []]);
    }
  });

  it('no other function reads a secret or names one', () => {
    for (const id of ['payments-list', 'payments-payouts-list', 'ledger-mint', 'jobs-submit', 'health', 'authorizer']) {
      const f = fnOf(s, id);
      expect([arnVars(f.env), 'VRACU_PAYMENTS_REQUIRES' in f.env, f.policy.includes('secretsmanager:')], id).toEqual([[], false, false]);
    }
  });
});

describe('with a chain and a Stripe key the config names', () => {
  let s: Synthesized;
  beforeAll(() => {
    const envs = CDK_CONTEXT.environments as Record<string, Record<string, unknown>>;
    const dev = {
      ...envs[ENV],
      payments: { stripeSecretKeyArn: STRIPE_ARN, chain: { rpcUrl: 'https://rpc.example.org/', router: ROUTER, fromBlock: 123, confirmations: 12 } },
    };
    s = synthEnvironment(ENV, { environments: { ...envs, [ENV]: dev } });
  }, 400_000);

  it('references the given secret, creates the webhook secret and the wallet KMS key (no wallet secret); cdk-nag passes', () => {
    expect(s.synthError).toBeUndefined();
    const secrets = Object.values(resources(s.t.data, 'AWS::SecretsManager::Secret'))
      .map((r) => r.Properties!.Name)
      .sort();
    expect(secrets).toEqual([`${prefix}/payments/stripe-webhook-secret`]);
    const checkout = fnOf(s, 'payments-checkout');
    expect(checkout.env.VRACU_STRIPE_SECRET_KEY_ARN).toBe(STRIPE_ARN);
    expect(secretsRead(checkout.policy)).toEqual(['given']);
    const keys = Object.entries(resources(s.t.data, 'AWS::KMS::Key')).filter(([id]) => id.includes('ChainWalletKmsKey'));
    expect(keys).toHaveLength(1);
    const [, key] = keys[0]!;
    expect([key.Properties!.KeySpec, key.Properties!.KeyUsage, key.DeletionPolicy]).toEqual(['ECC_SECG_P256K1', 'SIGN_VERIFY', 'Retain']);
  });

  it('the chain functions get the RPC URL, the router, the first block and the wallet KMS key, and may only sign with it', () => {
    for (const id of ['stripe-events-consumer', 'payments-reconcile', 'payments-reconcile-schedule']) {
      const f = fnOf(s, id);
      expect(f.env, id).toMatchObject({
        VRACU_PAYMENTS_REQUIRES: 'chain',
        VRACU_CHAIN_RPC_URL: 'https://rpc.example.org/',
        VRACU_CHAIN_ROUTER: ROUTER,
        VRACU_CHAIN_FROM_BLOCK: '123',
        VRACU_CHAIN_RECONCILE_CONFIRMATIONS: '12',
      });
      expect(JSON.stringify(f.env.VRACU_CHAIN_KMS_KEY_ID), id).toMatch(/ChainWalletKmsKey/);
      expect(arnVars(f.env), id).toEqual([]);
      expect(secretsRead(f.policy), id).toEqual([]);
      expect(walletKeyActions(f.policy), id).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    }
    const payouts = fnOf(s, 'payouts-consumer');
    expect(payouts.env.VRACU_PAYMENTS_REQUIRES).toBe('stripeKey,chain');
    expect(secretsRead(payouts.policy)).toEqual(['given']);
    expect(walletKeyActions(payouts.policy)).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    const webhook = fnOf(s, 'payments-stripe-webhook');
    expect(secretsRead(webhook.policy)).toEqual(['StripeWebhookSecret']);
    for (const f of [webhook, fnOf(s, 'payments-checkout')]) {
      expect(walletKeyActions(f.policy)).toEqual([]);
      expect(f.env.VRACU_CHAIN_KMS_KEY_ID).toBeUndefined();
    }
  });
});

/** The actions a function's policy allows on the chain wallet's KMS key. */
function walletKeyActions(policy: string): string[] {
  const statements = JSON.parse(policy).flatMap((p: { Properties: { PolicyDocument: { Statement: unknown[] } } }) => p.Properties.PolicyDocument.Statement) as {
    Action: string | string[];
    Resource: unknown;
  }[];
  return [...new Set(statements.filter((st) => JSON.stringify(st.Resource).includes('ChainWalletKmsKey')).flatMap((st) => asArray(st.Action)))].sort();
}

describe('a chain wallet whose key the config keeps in Secrets Manager (PaymentsSecrets alone)', () => {
  it('references that secret, creates no KMS key, and a chain function reads the secret and may not sign with KMS', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const WALLET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vracu-dev/wallet-AbCdEf';
    const ps = new PaymentsSecrets(stack, 'P', {
      prefix,
      config: { chain: { rpcUrl: 'https://rpc.example.org/', router: ROUTER, privateKeySecretArn: WALLET_ARN } },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(stack, 'R', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const env = ps.wire(role, ['chain']);
    expect(env).toMatchObject({ VRACU_PAYMENTS_REQUIRES: 'chain', VRACU_CHAIN_PRIVATE_KEY_ARN: WALLET_ARN, VRACU_CHAIN_ROUTER: ROUTER });
    expect(env.VRACU_CHAIN_KMS_KEY_ID).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    const policy = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).toContain(WALLET_ARN);
    expect(policy).not.toContain('kms:Sign');
  });

  it('the config takes a KMS key ARN or a wallet secret, not both', () => {
    const chain = { rpcUrl: 'https://rpc.example.org/', router: ROUTER };
    const both = { ...chain, kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666', privateKeySecretArn: STRIPE_ARN };
    expect(EnvironmentSchema.shape.payments.safeParse({ chain: both }).success).toBe(false);
    expect(EnvironmentSchema.shape.payments.safeParse({ chain: { ...both, privateKeySecretArn: undefined } }).success).toBe(true);
  });
});
