/**
 * One KMS signing key (ECC_SECG_P256K1) per agent identity: job attestations are signed in
 * KMS and agent keys never leave it. Agent `agent-N` signs with `<aliasPrefix>agent-N`.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AgentKeysProps {
  /** The stage's resource prefix: aliases are `alias/<prefix>-agent-N`. */
  prefix: string;
  count: number;
  removalPolicy: RemovalPolicy;
}

export class AgentKeys extends Construct {
  readonly keys: kms.Key[];
  readonly aliasPrefix: string;

  constructor(scope: Construct, id: string, props: AgentKeysProps) {
    super(scope, id);
    this.aliasPrefix = `alias/${props.prefix}-`;
    this.keys = Array.from({ length: props.count }, (_, i) => {
      const key = new kms.Key(this, `AgentKey${i + 1}`, {
        description: `${props.prefix} agent-${i + 1}: signs job attestations (the key never leaves KMS)`,
        keySpec: kms.KeySpec.ECC_SECG_P256K1,
        keyUsage: kms.KeyUsage.SIGN_VERIFY,
        alias: `${this.aliasPrefix}agent-${i + 1}`,
        removalPolicy: props.removalPolicy,
      });
      acknowledge(
        key,
        'AwsSolutions-KMS5',
        'Asymmetric KMS keys cannot rotate automatically; an agent key is an identity whose public key is registered, so rotating it means registering a new agent.',
      );
      return key;
    });
  }

  /** Sign with the agent keys and read their public keys; nothing else. */
  grantSign(principal: iam.IPrincipal): void {
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: this.keys.map((k) => k.keyArn) }));
  }
}
