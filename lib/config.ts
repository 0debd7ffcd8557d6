/**
 * Per-environment settings, read from the `environments` object in cdk.json context and
 * parsed by zod so a typo fails the synth with the path of the bad value. One CDK Stage
 * is built per selected environment (`-c env=<name>`; all of them when no name is given).
 */
import * as z from 'zod';
import { Stage } from '../functions/platform/config.ts';
import { BUILT_IN_IMAGES } from '../functions/jobs/domain/adapters/registry.ts';

/** The retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const LogRetentionDays = z
  .number()
  .int()
  .refine((d) => (RETENTION_DAYS as readonly number[]).includes(d), {
    message: `must be one of ${RETENTION_DAYS.join(', ')}`,
  });

const Throttle = z.strictObject({
  /** Steady-state requests per second. */
  rateLimit: z.number().positive(),
  /** Bucket size: requests allowed in a burst. */
  burstLimit: z.number().int().positive(),
});

const SecretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/, 'must be a complete Secrets Manager secret ARN');

export const EnvironmentSchema = z
  .strictObject({
    /** AWS account id (12 digits); a placeholder synthesizes but does not deploy. */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
    /** Retention of every log group the stage creates (functions, API access logs, jobs). */
    logRetentionDays: LogRetentionDays,
    /** Defaults for functions whose definition does not say. */
    lambda: z.strictObject({
      memoryMb: z.number().int().min(128).max(10_240),
      timeoutSec: z.number().int().min(1).max(900),
    }),
    /** The HTTP API stage's default throttle; routes may set their own in ROUTES. */
    api: z.strictObject({ throttle: Throttle }),
    /**
     * Payments: the Secrets Manager secrets to use (complete ARNs; each left out is created
     * as `vracu-<env>/payments/<name>` for the operator to fill) and the chain, when the
     * exchange converts on one (lib/constructs/payments-secrets.ts).
     */
    payments: z
      .strictObject({
        stripeSecretKeyArn: SecretArn.optional(),
        webhookSecretArn: SecretArn.optional(),
        chain: z
          .strictObject({
            rpcUrl: z.url(),
            router: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address (0x + 40 hex)'),
            fromBlock: z.number().int().min(0).optional(),
            /** Blocks reconciliation stays behind the head (the chain's reorg depth; VRACU_CHAIN_RECONCILE_CONFIRMATIONS). */
            confirmations: z.number().int().min(0).max(10_000).optional(),
            /** The wallet signs with this KMS key (ECC_SECG_P256K1, SIGN_VERIFY); left out, one is created (kept on stack deletion: it holds the wallet). */
            kmsKeyArn: z
              .string()
              .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be a KMS key ARN')
              .optional(),
            /** Or the wallet's private key lives in this Secrets Manager secret (the key is then in the function's memory): instead of KMS, not with it. */
            privateKeySecretArn: SecretArn.optional(),
          })
          .refine((c) => !(c.kmsKeyArn && c.privateKeySecretArn), 'give kmsKeyArn or privateKeySecretArn, not both')
          .optional(),
      })
      .optional(),
    /**
     * The artifacts bucket's lifecycle (lib/constructs/artifacts-bucket.ts). Inputs stay until
     * their owner's data is removed; outputs expire, and so does every overwritten or deleted version.
     */
    artifacts: z
      .strictObject({
        /** Days after upload a job's output object is deleted (`outputs/`): the buyer's download window. */
        outputExpiryDays: z.number().int().min(1).max(3650).default(30),
        /** Days an overwritten or deleted version is kept before it is removed for good. */
        noncurrentVersionExpiryDays: z.number().int().min(1).max(365).default(7),
        /** Days after which an unfinished multipart upload is aborted (its parts cost storage). */
        abortIncompleteUploadDays: z.number().int().min(1).max(30).default(2),
      })
      .prefault({}),
    /** Alarm notifications go to this address when set (SNS e-mail subscription). */
    alarmEmail: z.email().optional(),
    /**
     * Deletion protection and RemovalPolicy.RETAIN for every stateful resource (tables,
     * keys, log groups, repositories). Tables marked `critical` get both regardless.
     */
    deletionProtection: z.boolean(),
    /** Networking for job containers: public subnets only when natGateways is 0. */
    vpc: z.strictObject({
      maxAzs: z.number().int().min(1).max(6),
      natGateways: z.number().int().min(0).max(6),
    }),
    /** Job containers: task size, images, agent signing keys, optional GPU capacity. */
    jobs: z.strictObject({
      /** Default task vCPU in CPU units (1024 = 1 vCPU); jobs get more within Fargate's sizes. */
      cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096), z.literal(8192), z.literal(16384)]),
      memoryMiB: z.number().int().min(512).max(122_880),
      /** Tag of the sidecar image in the stage's ECR repository. */
      sidecarImageTag: z.string().min(1),
      /**
       * The workload images jobs may run: the allow-list (`VRACU_JOB_IMAGES`). ECS cannot
       * override a task's image, so each image gets task definitions of its own. Default:
       * the built-in adapters' images.
       */
      images: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9./:@_-]*$/, 'must be an image reference such as ghcr.io/vracu/train:1'))
        .min(1)
        .max(20)
        .default(() => [...BUILT_IN_IMAGES]),
      /** Agent identities in the cloud: one KMS signing key (ECC_SECG_P256K1) each; also MAX_AGENTS. */
      agents: z.number().int().min(1).max(100),
      /** GPU jobs run on EC2 instances of this capacity provider (Fargate has no GPUs). */
      gpu: z
        .strictObject({
          instanceType: z.string().regex(/^[gp]\d[a-z0-9-]*\.[a-z0-9]+$/, 'must be a GPU instance type such as g5.xlarge'),
          minInstances: z.number().int().min(0),
          maxInstances: z.number().int().min(1).max(100),
        })
        .refine((g) => g.minInstances <= g.maxInstances, { message: 'minInstances must not exceed maxInstances' })
        .optional(),
    }),
  })
  // awsvpc tasks on EC2 get no public IP: GPU instances need private subnets behind NAT.
  .refine((c) => !c.jobs.gpu || c.vpc.natGateways > 0, { path: ['jobs', 'gpu'], message: 'GPU capacity needs vpc.natGateways > 0' });

export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;

/** Environment names are stage names: they must be stages the functions' config accepts. */
const EnvironmentName = Stage.exclude(['local', 'test']);

const EnvironmentsSchema = z.partialRecord(EnvironmentName, EnvironmentSchema);

export class EnvironmentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentConfigError';
  }
}

/** A parsed environment with its name (the Stage id, `VRACU_STAGE`, and the resource prefix). */
export interface Environment {
  name: string;
  config: EnvironmentConfig;
}

/** Parses cdk.json's `environments` context; throws naming every bad value. */
export function parseEnvironments(raw: unknown): Environment[] {
  if (raw === undefined) throw new EnvironmentConfigError('cdk.json context has no "environments" object');
  const parsed = EnvironmentsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  environments.${i.path.join('.')}: ${i.message}`);
    throw new EnvironmentConfigError(`invalid cdk.json context:\n${lines.join('\n')}`);
  }
  const out = Object.entries(parsed.data).flatMap(([name, config]) => (config ? [{ name, config }] : []));
  if (out.length === 0) throw new EnvironmentConfigError('cdk.json context "environments" is empty');
  return out;
}

/**
 * The environments to build: the one named by `-c env=<name>`, or all when no name is
 * given (so `cdk synth` checks every stage). An unknown name fails with the known ones.
 */
export function selectEnvironments(all: Environment[], name: unknown): Environment[] {
  if (name === undefined || name === '') return all;
  const found = all.find((e) => e.name === name);
  if (!found) {
    throw new EnvironmentConfigError(`unknown environment "${String(name)}"; known environments: ${all.map((e) => e.name).join(', ')}`);
  }
  return [found];
}
