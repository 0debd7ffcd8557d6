/**
 * The payments context's secrets: the Stripe secret key and the Stripe webhook signing secret
 * in Secrets Manager and, when the environment configures a chain, the chain wallet's key: by
 * default an asymmetric KMS key (ECC_SECG_P256K1) the wallet signs with and never sees, or, when
 * the config names `privateKeySecretArn`, a private key in Secrets Manager. Each secret is referenced by the ARN the environment's config gives, or created empty-valued
 * (a generated placeholder the operator replaces with `aws secretsmanager put-secret-value`;
 * until then the functions that need it refuse to start, saying which). Functions get the
 * ARN in their environment and read access to exactly the secrets they need
 * (lib/access.ts), never the value.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { paymentsEnvironment, type PaymentsNeed } from '../../functions/definitions/environment.ts';
import type { EnvironmentConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';

export type PaymentsConfig = NonNullable<EnvironmentConfig['payments']>;

export class PaymentsSecrets extends Construct {
  readonly stripeSecretKey: secretsmanager.ISecret;
  readonly webhookSecret: secretsmanager.ISecret;
  /** Only when the environment configures a chain: the wallet's KMS signing key, or the secret holding its private key. */
  readonly chainWalletKey: { kind: 'kms'; key: kms.IKey } | { kind: 'secret'; secret: secretsmanager.ISecret } | undefined;
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
    this.chainWalletKey = cfg.chain ? this.walletKey(cfg.chain, props.prefix) : undefined;
  }

  private walletKey(chain: NonNullable<PaymentsConfig['chain']>, prefix: string): NonNullable<PaymentsSecrets['chainWalletKey']> {
    if (chain.privateKeySecretArn)
      return { kind: 'secret', secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'ChainWalletKey', chain.privateKeySecretArn) };
    if (chain.kmsKeyArn) return { kind: 'kms', key: kms.Key.fromKeyArn(this, 'ChainWalletKmsKey', chain.kmsKeyArn) };
    const key = new kms.Key(this, 'ChainWalletKmsKey', {
      description: `${prefix} chain wallet: signs the exchange's conversions and payouts (the key never leaves KMS)`,
      keySpec: kms.KeySpec.ECC_SECG_P256K1,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      alias: `alias/${prefix}-chain-wallet`,
      // The key is the wallet: deleting it would strand whatever the address holds.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      key,
      'AwsSolutions-KMS5',
      'Asymmetric KMS keys cannot rotate automatically; the key is the wallet address, so rotating it means moving the funds and the router role to a new one.',
    );
    return { kind: 'kms', key };
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
    const wallet = this.chainWalletKey;
    // A KMS wallet needs no secret: the function asks KMS to sign and reads the public key, nothing else.
    if (requires.includes('chain') && wallet) {
      if (wallet.kind === 'secret') wallet.secret.grantRead(grantee);
      else grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [wallet.key.keyArn] }));
    }
    return paymentsEnvironment({
      requires,
      stripeSecretKeyArn: this.stripeSecretKey.secretArn,
      webhookSecretArn: this.webhookSecret.secretArn,
      ...(this.chain && wallet
        ? {
            chain: {
              rpcUrl: this.chain.rpcUrl,
              router: this.chain.router,
              ...(wallet.kind === 'kms' ? { kmsKeyId: wallet.key.keyArn } : { privateKeyArn: wallet.secret.secretArn }),
              ...(this.chain.fromBlock !== undefined ? { fromBlock: this.chain.fromBlock } : {}),
              ...(this.chain.confirmations !== undefined ? { confirmations: this.chain.confirmations } : {}),
            },
          }
        : {}),
    });
  }
}
