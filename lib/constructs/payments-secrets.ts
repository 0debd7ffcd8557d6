/**
 * The payments context's secrets in Secrets Manager: the Stripe secret key, the Stripe
 * webhook signing secret and, when the environment configures a chain, the chain wallet's
 * key. Each is referenced by the ARN the environment's config gives, or created empty-valued
 * (a generated placeholder the operator replaces with `aws secretsmanager put-secret-value`;
 * until then the functions that need it refuse to start, saying which). Functions get the
 * ARN in their environment and read access to exactly the secrets they need
 * (lib/access.ts), never the value.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { paymentsEnvironment, type PaymentsNeed } from '../../functions/definitions/environment.ts';
import type { EnvironmentConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';

export type PaymentsConfig = NonNullable<EnvironmentConfig['payments']>;

export class PaymentsSecrets extends Construct {
  readonly stripeSecretKey: secretsmanager.ISecret;
  readonly webhookSecret: secretsmanager.ISecret;
  /** Only when the environment configures a chain. */
  readonly chainWalletKey: secretsmanager.ISecret | undefined;
  private readonly chain: PaymentsConfig['chain'];

  constructor(scope: Construct, id: string, props: { prefix: string; config: PaymentsConfig | undefined; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const cfg = props.config ?? {};
    const secret = (cid: string, arn: string | undefined, name: string, description: string): secretsmanager.ISecret => {
      if (arn) return secretsmanager.Secret.fromSecretCompleteArn(this, cid, arn);
      const s = new secretsmanager.Secret(this, cid, { secretName: `${props.prefix}/payments/${name}`, description, removalPolicy: props.removalPolicy });
      acknowledge(s, 'AwsSolutions-SMG4', 'Stripe keys and the wallet key are rotated where they are issued (Stripe dashboard, the wallet), not by a Lambda');
      return s;
    };
    this.stripeSecretKey = secret('StripeSecretKey', cfg.stripeSecretKeyArn, 'stripe-secret-key', 'Stripe secret (or restricted) key of the payments context');
    this.webhookSecret = secret('StripeWebhookSecret', cfg.webhookSecretArn, 'stripe-webhook-secret', 'Stripe webhook signing secret (whsec_...)');
    this.chain = cfg.chain;
    this.chainWalletKey = cfg.chain
      ? secret('ChainWalletKey', cfg.chain.privateKeySecretArn, 'chain-wallet-key', 'Private key (0x + 64 hex) of the chain wallet')
      : undefined;
  }

  /** What a chain-less environment drops from a function's needs (the chain is optional). */
  needsOf(wanted: readonly PaymentsNeed[]): PaymentsNeed[] {
    return wanted.filter((n) => n !== 'chain' || this.chain !== undefined);
  }

  /** The environment (names and ARNs) of a function needing `wanted`, and read access to those secrets only. */
  wire(grantee: iam.IGrantable, wanted: readonly PaymentsNeed[]): Record<string, string> {
    const requires = this.needsOf(wanted);
    if (requires.includes('stripeKey')) this.stripeSecretKey.grantRead(grantee);
    if (requires.includes('webhookSecret')) this.webhookSecret.grantRead(grantee);
    if (requires.includes('chain')) this.chainWalletKey!.grantRead(grantee);
    return paymentsEnvironment({
      requires,
      stripeSecretKeyArn: this.stripeSecretKey.secretArn,
      webhookSecretArn: this.webhookSecret.secretArn,
      ...(this.chain
        ? {
            chain: {
              rpcUrl: this.chain.rpcUrl,
              router: this.chain.router,
              privateKeyArn: this.chainWalletKey!.secretArn,
              ...(this.chain.fromBlock !== undefined ? { fromBlock: this.chain.fromBlock } : {}),
            },
          }
        : {}),
    });
  }
}
