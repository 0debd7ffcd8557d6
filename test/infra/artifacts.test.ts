/**
 * The artifacts bucket and its keys in the cloud (lib/constructs/artifacts-bucket.ts): a
 * private, versioned, SSE-KMS, TLS-only bucket with lifecycle rules from the stage config and
 * access logs; every function composing the artifacts context gets its variables, and each
 * only the object and key uses its code makes, on the bucket's prefixes and the two keys; the
 * job containers' task role gets nothing (presigned URLs carry the signer's rights).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api/routes.ts';
import { parseEnvironments } from '../../lib/config.ts';
import { asArray, CDK_CONTEXT, refId, resources, synthEnvironment, type Synthesized } from './support.ts';

const ENV = 'dev';
const prefix = `vracu-${ENV}`;
const config = parseEnvironments(CDK_CONTEXT.environments).find((e) => e.name === ENV)!.config;
const BUCKET = `${prefix}-artifacts-${config.account}-${config.region}`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const S3_VIA = `s3.${config.region}.amazonaws.com`;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown };

function fnOf(s: Synthesized, id: string) {
  for (const t of s.all) {
    const fn = Object.values(resources(t, 'AWS::Lambda::Function')).find((f) => f.Properties!.FunctionName === `${prefix}-${id}`);
    if (!fn) continue;
    const roleId = refId(fn.Properties!.Role)!;
    const policies = Object.values(resources(t, 'AWS::IAM::Policy')).filter((p) => asArray(p.Properties!.Roles).some((r) => refId(r) === roleId));
    return {
      env: fn.Properties!.Environment.Variables as Record<string, unknown>,
      statements: policies.flatMap((p) => p.Properties!.PolicyDocument.Statement as Statement[]),
    };
  }
  throw new Error(`no function ${id}`);
}

/** The logical id of the data stack's resource an import names (`vracu-dev-data:ExportsOutputFnGetAtt<Id>Arn...`). */
const imported = (v: unknown, idPrefix: string): boolean => JSON.stringify(v).includes(`ExportsOutputFnGetAtt${idPrefix}`);

/**
 * A function's artifacts grants, as readable lines: `s3:PutObject inputs/`, `s3:ListBucket (bucket)`,
 * `bucket-key kms:GenerateDataKey`, `wrapping-key kms:Encrypt artifact-input`.
 */
function artifactGrants(statements: Statement[], bucketKeyId: string, wrappingKeyId: string): string[] {
  const out: string[] = [];
  for (const st of statements) {
    const actions = asArray(st.Action);
    if (actions.some((a) => a.startsWith('s3:'))) {
      for (const r of asArray(st.Resource)) {
        expect(typeof r, 'S3 resources are literal ARNs').toBe('string');
        const res = r as string;
        const where = res === BUCKET_ARN ? '(bucket)' : res.startsWith(`${BUCKET_ARN}/`) ? res.slice(BUCKET_ARN.length + 1).replace(/\*$/, '') : `OTHER ${res}`;
        for (const a of actions) out.push(`${a} ${where}`);
      }
    } else if (imported(st.Resource, bucketKeyId)) {
      for (const a of actions) out.push(`bucket-key ${a}`);
    } else if (imported(st.Resource, wrappingKeyId)) {
      const purpose = st.Condition?.StringEquals?.['kms:EncryptionContext:vracu:purpose'];
      for (const a of actions) out.push(`wrapping-key ${a} ${String(purpose)}`);
    }
  }
  return out.sort();
}

/** What each function's code does with the bucket and the keys (functions/artifacts/usecases, privacy's handshake). */
const EXPECTED: Record<string, string[]> = {
  // Signing a multipart upload's parts, or completing one, needs Decrypt on the bucket key too (S3 reads the encrypted parts).
  'artifacts-create': ['s3:PutObject inputs/', 'bucket-key kms:Decrypt', 'bucket-key kms:GenerateDataKey', 'wrapping-key kms:Encrypt artifact-input'],
  'artifacts-complete': ['s3:GetObject inputs/', 's3:PutObject inputs/', 's3:ListBucket (bucket)', 'bucket-key kms:Decrypt', 'bucket-key kms:GenerateDataKey'],
  // Signing parts again: what signing them at create needs, without the wrapping key.
  'artifacts-parts': ['s3:PutObject inputs/', 'bucket-key kms:Decrypt', 'bucket-key kms:GenerateDataKey'],
  'artifacts-list': [],
  // Deleting an input: its object (the record's wrapped key goes with the table write).
  'artifacts-delete': ['s3:DeleteObject inputs/'],
  'artifacts-job-list': [],
  'artifacts-job-get': ['s3:GetObject inputs/', 's3:GetObject outputs/', 'bucket-key kms:Decrypt'],
  'artifacts-verify': [],
  'artifacts-encryption-key': [],
  'artifacts-sidecar-session': [
    's3:GetObject inputs/',
    'bucket-key kms:Decrypt',
    'wrapping-key kms:Decrypt artifact-input',
    'wrapping-key kms:Encrypt artifact-release',
  ],
  'artifacts-sidecar-upload': ['s3:PutObject outputs/', 'bucket-key kms:Decrypt', 'bucket-key kms:GenerateDataKey'],
  'artifacts-sidecar-report': [
    's3:DeleteObject outputs/',
    's3:GetObject outputs/',
    's3:PutObject outputs/',
    's3:ListBucket (bucket)',
    'bucket-key kms:Decrypt',
    'bucket-key kms:GenerateDataKey',
  ],
  'privacy-handshake': [
    's3:GetObject inputs/',
    'bucket-key kms:Decrypt',
    'wrapping-key kms:Decrypt artifact-input',
    'wrapping-key kms:Encrypt artifact-release',
  ],
};

let s: Synthesized;
let bucket: Record<string, any>;
let bucketId: string;
let logBucketId: string;
let bucketKeyId: string;
let wrappingKeyId: string;
beforeAll(() => {
  s = synthEnvironment(ENV);
  const buckets = resources(s.t.data, 'AWS::S3::Bucket');
  [bucketId] = Object.entries(buckets).find(([, b]) => b.Properties!.BucketName === BUCKET)!;
  bucket = buckets[bucketId]!.Properties!;
  logBucketId = refId(bucket.LoggingConfiguration.DestinationBucketName)!;
  const keys = Object.keys(resources(s.t.data, 'AWS::KMS::Key'));
  bucketKeyId = keys.find((k) => k.startsWith('ArtifactsBucketKey'))!;
  wrappingKeyId = keys.find((k) => k.startsWith('ArtifactsWrappingKey'))!;
}, 400_000);

describe('the bucket', () => {
  it('synthesizes with zero unacknowledged cdk-nag findings', () => {
    expect(s.synthError?.message).toBeUndefined();
  });

  it('blocks all public access and takes no ACLs', () => {
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('encrypts with SSE-KMS under its own rotating key, with an S3 Bucket Key', () => {
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [bucketKeyId, 'Arn'] } } },
    ]);
    const keys = resources(s.t.data, 'AWS::KMS::Key');
    expect(keys[bucketKeyId]!.Properties!.EnableKeyRotation).toBe(true);
    expect(keys[wrappingKeyId]!.Properties!.EnableKeyRotation).toBe(true);
    expect(bucketKeyId).not.toBe(wrappingKeyId);
  });

  it('keeps versions', () => {
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('refuses every request without TLS, or below TLS 1.2', () => {
    const policy = Object.values(resources(s.t.data, 'AWS::S3::BucketPolicy')).find((p) => refId(p.Properties!.Bucket) === bucketId)!;
    const statements = policy.Properties!.PolicyDocument.Statement as Statement[];
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, objects],
    });
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
    // Nothing in the bucket policy allows anyone anything: the functions' rights are on their roles.
    expect(statements.filter((st) => st.Effect === 'Allow')).toEqual([]);
  });

  it("expires outputs after the stage's days, noncurrent versions, and unfinished multipart uploads", () => {
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-outputs', Prefix: 'outputs/', ExpirationInDays: config.artifacts.outputExpiryDays, Status: 'Enabled' },
      {
        Id: 'tidy-versions-and-uploads',
        NoncurrentVersionExpiration: { NoncurrentDays: config.artifacts.noncurrentVersionExpiryDays },
        ExpiredObjectDeleteMarker: true,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: config.artifacts.abortIncompleteUploadDays },
        Status: 'Enabled',
      },
    ]);
    // dev sets none: the defaults.
    expect(config.artifacts).toEqual({ outputExpiryDays: 30, noncurrentVersionExpiryDays: 7, abortIncompleteUploadDays: 2 });
  });

  it('logs server access into a private, encrypted, TLS-only log bucket written by the logging service for this bucket only', () => {
    expect(bucket.LoggingConfiguration.LogFilePrefix).toBe('artifacts/');
    const log = resources(s.t.data, 'AWS::S3::Bucket')[logBucketId]!.Properties!;
    expect(log.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(log.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    // Request records, no artifact bytes: SSE-S3 (a KMS key would have to admit the logging service).
    expect(log.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
    expect(log.LifecycleConfiguration.Rules).toEqual([{ Id: 'expire-logs', ExpirationInDays: config.logRetentionDays, Status: 'Enabled' }]);
    const policy = Object.values(resources(s.t.data, 'AWS::S3::BucketPolicy')).find((p) => refId(p.Properties!.Bucket) === logBucketId)!;
    const statements = policy.Properties!.PolicyDocument.Statement as Statement[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements.filter((st) => st.Effect === 'Allow')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucketId, 'Arn'] }, '/artifacts/*']] },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': config.account } },
      },
    ]);
  });

  it('the bucket key works through S3 only; the wrapping key only directly and only with a vracu:purpose context', () => {
    const keys = resources(s.t.data, 'AWS::KMS::Key');
    const denies = (id: string) => (keys[id]!.Properties!.KeyPolicy.Statement as Statement[]).filter((st) => st.Effect === 'Deny');
    const crypto = expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']);
    expect(denies(bucketKeyId)).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: crypto, Condition: { StringNotEquals: { 'kms:ViaService': S3_VIA } } }),
    ]);
    expect(denies(wrappingKeyId)).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: crypto, Condition: { Null: { 'kms:EncryptionContext:vracu:purpose': 'true' } } }),
      expect.objectContaining({ Principal: { AWS: '*' }, Action: crypto, Condition: { Null: { 'kms:ViaService': 'false' } } }),
    ]);
  });
});

describe('the functions', () => {
  it('every function of the artifacts context, and the privacy handshake, gets the bucket, the KMS wrapper and the wrapping key', () => {
    const ids = ROUTES.filter((r) => r.entry.startsWith('functions/artifacts/')).map((r) => r.id);
    expect([...ids, 'privacy-handshake'].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const id of Object.keys(EXPECTED)) {
      const { env } = fnOf(s, id);
      expect(env.VRACU_ARTIFACTS_BUCKET, id).toBe(BUCKET);
      expect(env.VRACU_ARTIFACTS_KEY_WRAPPER, id).toBe('kms');
      expect(imported(env.VRACU_ARTIFACTS_KMS_KEY_ID, wrappingKeyId), id).toBe(true);
      expect(env.VRACU_ARTIFACTS_LOCAL_KEY, id).toBeUndefined();
      // The records expire with the objects: the lifecycle rule's days.
      expect(env.VRACU_ARTIFACT_OUTPUT_EXPIRY_DAYS, id).toBe(String(config.artifacts.outputExpiryDays));
    }
  });

  it.each(Object.entries(EXPECTED))('%s may do exactly what its code does with the bucket and the keys', (id, expected) => {
    expect(artifactGrants(fnOf(s, id).statements, bucketKeyId, wrappingKeyId)).toEqual([...expected].sort());
  });

  it('uses the bucket key only through S3 and for this bucket', () => {
    for (const id of Object.keys(EXPECTED)) {
      for (const st of fnOf(s, id).statements.filter((x) => imported(x.Resource, bucketKeyId))) {
        expect(st.Condition, id).toEqual({ StringEquals: { 'kms:ViaService': S3_VIA, 'kms:EncryptionContext:aws:s3:arn': BUCKET_ARN } });
      }
    }
  });

  it('wraps and unwraps only under the exact context the code sends', () => {
    const members = {
      'artifact-input': ['vracu:artifact', 'vracu:purpose', 'vracu:tenant'],
      'artifact-release': ['vracu:artifact', 'vracu:attestation', 'vracu:job', 'vracu:purpose', 'vracu:tenant'],
    };
    for (const id of Object.keys(EXPECTED)) {
      for (const st of fnOf(s, id).statements.filter((x) => imported(x.Resource, wrappingKeyId))) {
        expect(asArray(st.Action).length, id).toBe(1);
        const purpose = st.Condition!.StringEquals!['kms:EncryptionContext:vracu:purpose'] as keyof typeof members;
        expect(st.Condition, id).toEqual({
          StringEquals: { 'kms:EncryptionContext:vracu:purpose': purpose },
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': members[purpose] },
          Null: Object.fromEntries(members[purpose].map((m) => [`kms:EncryptionContext:${m}`, 'false'])),
        });
      }
    }
  });

  it('no other function names the bucket or touches S3 or the artifacts keys', () => {
    const all = s.all.flatMap((t) =>
      Object.values(resources(t, 'AWS::Lambda::Function')).map((f) => String(f.Properties!.FunctionName).slice(prefix.length + 1)),
    );
    for (const id of all.filter((x) => !(x in EXPECTED))) {
      const f = fnOf(s, id);
      expect(
        Object.keys(f.env).filter((k) => k.startsWith('VRACU_ARTIFACT')),
        id,
      ).toEqual([]);
      expect(artifactGrants(f.statements, bucketKeyId, wrappingKeyId), id).toEqual([]);
    }
  });

  it('no statement of the stage grants S3 on a wildcard resource or by a wildcard action', () => {
    const statements = s.all.flatMap((t) =>
      Object.values(resources(t, 'AWS::IAM::Policy')).flatMap((p) => p.Properties!.PolicyDocument.Statement as Statement[]),
    );
    for (const st of statements.filter((x) => asArray(x.Action).some((a) => a.startsWith('s3:')))) {
      for (const a of asArray(st.Action)) expect(a).not.toMatch(/\*/);
      for (const r of asArray(st.Resource)) {
        expect(r).not.toBe('*');
        expect(r).not.toBe(`${BUCKET_ARN}/*`);
        expect(String(r)).toMatch(new RegExp(`^${BUCKET_ARN}(/(inputs|outputs)/\\*)?$`));
      }
    }
  });
});

describe('the job containers', () => {
  it('get no S3 (or any) permission on their task role: the presigned URLs carry the signer’s', () => {
    const roles = resources(s.t.compute, 'AWS::IAM::Role');
    const taskRoleIds = new Set(Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition')).map((td) => refId(td.Properties!.TaskRoleArn)!));
    expect(taskRoleIds.size).toBe(1);
    const [taskRoleId] = [...taskRoleIds];
    expect(roles[taskRoleId!]!.Properties!.Policies).toBeUndefined();
    expect(roles[taskRoleId!]!.Properties!.ManagedPolicyArns).toBeUndefined();
    const attached = s.all
      .flatMap((t) => Object.values(resources(t, 'AWS::IAM::Policy')))
      .filter((p) => JSON.stringify(p.Properties!.Roles).includes(taskRoleId!));
    expect(attached).toEqual([]);
  });
});

describe('with lifecycle days in the stage config', () => {
  it('the rules follow them', () => {
    const envs = CDK_CONTEXT.environments as Record<string, Record<string, unknown>>;
    const dev = { ...envs[ENV], artifacts: { outputExpiryDays: 3, noncurrentVersionExpiryDays: 1, abortIncompleteUploadDays: 1 } };
    const custom = synthEnvironment(ENV, { environments: { ...envs, [ENV]: dev } });
    const b = Object.values(resources(custom.t.data, 'AWS::S3::Bucket')).find((x) => x.Properties!.BucketName === BUCKET)!.Properties!;
    const [outputs, tidy] = b.LifecycleConfiguration.Rules;
    expect(outputs).toMatchObject({ Prefix: 'outputs/', ExpirationInDays: 3 });
    expect(tidy).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    expect(fnOf(custom, 'artifacts-sidecar-report').env.VRACU_ARTIFACT_OUTPUT_EXPIRY_DAYS).toBe('3');
  }, 400_000);
});
