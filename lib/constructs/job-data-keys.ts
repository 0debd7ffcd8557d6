/**
 * The stage's symmetric KMS key under which the privacy functions generate attested jobs'
 * data keys (the `aws_kms` broker). The grant requires the encryption context the broker
 * sends, {jobId, attestationHash}, and no other: a data key is always bound to one job and
 * attestation, and CloudTrail shows which.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface JobDataKeysProps {
  /** The stage's resource prefix: the alias is `alias/<prefix>-job-data`. */
  prefix: string;
  removalPolicy: RemovalPolicy;
}

/** The context keys every GenerateDataKey must carry (functions/privacy/drivers/kms-broker.ts). */
export const DATA_KEY_CONTEXT = ['attestationHash', 'jobId'] as const;

export class JobDataKeys extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: JobDataKeysProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.prefix}: attested jobs' data keys (GenerateDataKey bound to {jobId, attestationHash})`,
      enableKeyRotation: true,
      alias: `alias/${props.prefix}-job-data`,
      removalPolicy: props.removalPolicy,
    });
  }

  /** GenerateDataKey only, and only with exactly the job's encryption context. */
  grantGenerateDataKey(principal: iam.IPrincipal): void {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...DATA_KEY_CONTEXT] },
          Null: { 'kms:EncryptionContext:jobId': 'false', 'kms:EncryptionContext:attestationHash': 'false' },
        },
      }),
    );
  }
}
