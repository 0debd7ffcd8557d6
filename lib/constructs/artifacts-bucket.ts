/**
 * The artifacts context in the cloud: one bucket per stage for sealed job inputs and outputs
 * (functions/artifacts), and the KMS key that wraps their file keys.
 *
 * - The bucket: public access blocked, objects owned by the bucket owner (no ACLs), SSE-KMS
 *   under a customer-managed key of its own with an S3 Bucket Key, versioned, TLS 1.2 or later
 *   only. Lifecycle: `outputs/` expire after `artifacts.outputExpiryDays`, noncurrent versions
 *   after `artifacts.noncurrentVersionExpiryDays`, unfinished multipart uploads are aborted.
 *   Server access logs go to a log bucket (blocked, TLS only, SSE-S3: it holds request records,
 *   no artifact bytes, and a KMS key there would have to admit the logging service in its
 *   policy), written by the logging service under a bucket policy limited to this bucket and
 *   account, kept `logRetentionDays`.
 * - Two keys, not one. The bucket key is used by S3 on a caller's behalf (`kms:ViaService`
 *   S3, context the bucket's ARN) and its key policy refuses anything else; the wrapping key
 *   is called directly by the functions (Encrypt/Decrypt, functions/artifacts/drivers/kms-key-wrapper.ts)
 *   and its key policy refuses any call through a service or without the `vracu:purpose`
 *   context. One key would need both uses allowed on it, so holding S3 rights would come closer
 *   to holding unwrap rights, and CloudTrail would mix object reads with key releases.
 *   The objects are sealed before they reach S3 (platform/crypto/sealed-file.ts): SSE-KMS is
 *   the second layer, the wrapped file key is what releases the data.
 * - Grants are identity policies on each function's role, from lib/access.ts (`artifacts`):
 *   exact actions on exact prefixes, the wrapping key only under the encryption context the
 *   code sends (purpose, and exactly that context's members). The key policies name no
 *   function role: the roles live in later stacks, which depend on this one.
 *
 * The bucket's name is known at synth time (`<prefix>-artifacts-<account>-<region>`), so the
 * functions' policies name it without a cross-stack reference.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import {
  inputKeyContext,
  KEY_PURPOSE,
  KEY_PURPOSES,
  OBJECT_PREFIXES,
  releaseKeyContext,
  type ArtifactKind,
} from '../../functions/artifacts/domain/artifact.ts';
import { artifactsEnvironment } from '../../functions/definitions/environment.ts';
import type { ArtifactsAccess, KeyContextKind, ObjectUse } from '../access.ts';
import type { EnvironmentConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';

export type ArtifactsLifecycle = EnvironmentConfig['artifacts'];

export interface ArtifactsBucketProps {
  /** `vracu-<env>`: names the buckets and the keys' aliases. */
  prefix: string;
  account: string;
  region: string;
  lifecycle: ArtifactsLifecycle;
  /** Days the server access logs are kept. */
  logRetentionDays: number;
  /** Of both buckets and both keys (RETAIN where the stage protects its data). */
  removalPolicy: RemovalPolicy;
}

/** The cryptographic KMS actions, listed (a key policy denies them; none is granted by wildcard). */
const CRYPTO_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
];

/** The S3 actions of each object use (ListBucket for `check` is on the bucket, below). */
const OBJECT_ACTIONS: Readonly<Record<ObjectUse, string>> = {
  upload: 's3:PutObject',
  complete: 's3:PutObject',
  download: 's3:GetObject',
  check: 's3:GetObject',
  delete: 's3:DeleteObject',
};

/** The members and purpose of each wrapping context, from the functions' own context builders. */
export const KEY_CONTEXTS: Readonly<Record<KeyContextKind, { purpose: string; members: string[] }>> = {
  input: { purpose: KEY_PURPOSES.input, members: Object.keys(inputKeyContext({ tenant: 't', artifactId: 'a' })).sort() },
  release: { purpose: KEY_PURPOSES.release, members: Object.keys(releaseKeyContext({ tenant: 't', artifactId: 'a' }, 'j', 'h')).sort() },
};

export class ArtifactsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  /** SSE-KMS of the bucket's objects, used through S3 only. */
  readonly bucketKey: kms.Key;
  /** Wraps input file keys (VRACU_ARTIFACTS_KMS_KEY_ID), used directly only. */
  readonly wrappingKey: kms.Key;
  /** Known at synth time. */
  readonly bucketName: string;
  readonly bucketArn: string;
  private readonly region: string;
  private readonly outputExpiryDays: number;

  constructor(scope: Construct, id: string, props: ArtifactsBucketProps) {
    super(scope, id);
    // The log bucket admits the logging service by bucket policy, not by the legacy ACL.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { prefix, account, region, lifecycle, removalPolicy } = props;
    this.region = region;
    this.outputExpiryDays = lifecycle.outputExpiryDays;
    this.bucketName = `${prefix}-artifacts-${account}-${region}`;
    this.bucketArn = `arn:aws:s3:::${this.bucketName}`;

    this.bucketKey = new kms.Key(this, 'BucketKey', {
      alias: `alias/${prefix}-artifacts-bucket`,
      description: `${prefix}: SSE-KMS of the artifacts bucket (through S3 only)`,
      enableKeyRotation: true,
      // A key outlives what it encrypts: the same policy as the bucket.
      removalPolicy,
    });
    this.bucketKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThroughS3',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: CRYPTO_ACTIONS,
        resources: ['*'],
        conditions: { StringNotEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    );

    this.wrappingKey = new kms.Key(this, 'WrappingKey', {
      alias: `alias/${prefix}-artifacts-keys`,
      description: `${prefix}: wraps artifact file keys (Encrypt/Decrypt with the vracu:purpose context)`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.wrappingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyWithPurpose',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: CRYPTO_ACTIONS,
        resources: ['*'],
        conditions: { Null: { [`kms:EncryptionContext:${KEY_PURPOSE}`]: 'true' } },
      }),
    );
    this.wrappingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyDirectly',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: CRYPTO_ACTIONS,
        resources: ['*'],
        conditions: { Null: { 'kms:ViaService': 'false' } },
      }),
    );

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      bucketName: `${prefix}-artifacts-logs-${account}-${region}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy,
    });
    acknowledge(this.logBucket, 'AwsSolutions-S1', 'This is the server access log bucket of the artifacts bucket; logging it into itself would loop.');

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.bucketKey,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        { id: 'expire-outputs', prefix: OBJECT_PREFIXES.output, expiration: Duration.days(lifecycle.outputExpiryDays) },
        {
          id: 'tidy-versions-and-uploads',
          noncurrentVersionExpiration: Duration.days(lifecycle.noncurrentVersionExpiryDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(lifecycle.abortIncompleteUploadDays),
        },
      ],
      removalPolicy,
    });
  }

  /** The IAM resource of one prefix's objects. */
  objectsArn(kind: ArtifactKind): string {
    return `${this.bucketArn}/${OBJECT_PREFIXES[kind]}*`;
  }

  /**
   * The environment of a function composing the artifacts context (VRACU_ARTIFACTS_BUCKET,
   * VRACU_ARTIFACTS_KEY_WRAPPER=kms, VRACU_ARTIFACTS_KMS_KEY_ID), and exactly the uses in `use`.
   */
  wire(fn: { role?: iam.IRole } & iam.IGrantable, use: ArtifactsAccess): Record<string, string> {
    const principal = fn.grantPrincipal;
    const objects = Object.entries(use.objects ?? {}) as [ArtifactKind, readonly ObjectUse[]][];
    for (const [kind, uses] of objects) {
      if (uses.length === 0) continue;
      const actions = [...new Set(uses.map((u) => OBJECT_ACTIONS[u]))].sort();
      const resource = this.objectsArn(kind);
      principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [resource] }));
      if (!fn.role) throw new Error('an artifacts grant needs a function with an execution role');
      acknowledge(
        fn.role,
        `AwsSolutions-IAM5[Resource::${resource}]`,
        `Artifact object keys are made per artifact (${OBJECT_PREFIXES[kind]}<owner or job>/<artifact id>): the grant names the one prefix, with only ${actions.join(', ')}.`,
      );
    }
    const all = objects.flatMap(([, u]) => u);
    // HEAD of a missing object answers 404 only to a caller who may list the bucket (403 otherwise).
    if (all.includes('check')) principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucketArn] }));
    // A multipart upload under SSE-KMS needs Decrypt as well as GenerateDataKey: S3 reads the encrypted parts to assemble them.
    const writes = all.includes('upload') || all.includes('complete');
    const bucketKeyActions = [...(writes || all.includes('download') ? ['kms:Decrypt'] : []), ...(writes ? ['kms:GenerateDataKey'] : [])];
    if (bucketKeyActions.length > 0) {
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: bucketKeyActions,
          resources: [this.bucketKey.keyArn],
          // With an S3 Bucket Key, S3 asks KMS under the bucket's ARN as encryption context.
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': this.bucketArn } },
        }),
      );
    }
    for (const [action, kinds] of [
      ['kms:Encrypt', use.wrap ?? []],
      ['kms:Decrypt', use.unwrap ?? []],
    ] as const) {
      for (const kind of kinds) principal.addToPrincipalPolicy(this.keyStatement(action, kind));
    }
    // The records expire with the lifecycle rule's objects: one number for both.
    return artifactsEnvironment({ bucket: this.bucketName, kmsKeyId: this.wrappingKey.keyArn, outputExpiryDays: this.outputExpiryDays });
  }

  /** `action` on the wrapping key, only under `kind`'s purpose and exactly its context members. */
  private keyStatement(action: 'kms:Encrypt' | 'kms:Decrypt', kind: KeyContextKind): iam.PolicyStatement {
    const { purpose, members } = KEY_CONTEXTS[kind];
    return new iam.PolicyStatement({
      actions: [action],
      resources: [this.wrappingKey.keyArn],
      conditions: {
        StringEquals: { [`kms:EncryptionContext:${KEY_PURPOSE}`]: purpose },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': members },
        Null: Object.fromEntries(members.map((m) => [`kms:EncryptionContext:${m}`, 'false'])),
      },
    });
  }
}
