/**
 * The environment contract: every variable a process of the exchange reads, by name, with
 * the zod schema that parses it, and the builders its writers use. One source of truth for
 * CDK (function and task environments), the ECS driver (the sidecar's overrides), the
 * local stack and the sidecar itself: nobody spells a variable's name by hand.
 */
import * as z from 'zod';
import { SIDECAR_CONTAINER_NAME, WORKLOAD_CONTAINER_NAME } from './job-task.ts';

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** Parses `env` with `schema`; throws an EnvironmentError naming each bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>, what: string): z.output<S> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new EnvironmentError(`invalid ${what}:\n${lines.join('\n')}`);
}

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const json = <S extends z.ZodType>(schema: S, example: string) =>
  z.string().transform((s, ctx): z.output<S> => {
    try {
      return schema.parse(JSON.parse(s));
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${example}` });
      return z.NEVER;
    }
  });

export const STAGES = ['local', 'dev', 'staging', 'prod', 'test'] as const;

/** Every function: where its tables, queues and bus are. */
export const PlatformEnv = z.object({
  VRACU_STAGE: z.enum(STAGES).default('local'),
  VRACU_TABLE_PREFIX: z.string().min(1).default('vracu-local'),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set only for local engines: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Set only for local engines: the SQS server's URL. */
  SQS_ENDPOINT: z.url().optional(),
  /** Queue URLs by queue id (only the queues the function may send to). */
  VRACU_QUEUE_URLS: json(z.record(z.string(), z.string()), '{"<queue id>": "<url>"}').default({}),
  VRACU_EVENT_BUS: z.string().default('vracu-local'),
  /** Tests: check every 2xx body against the route's response schema. */
  VRACU_VALIDATE_RESPONSES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type PlatformEnv = z.output<typeof PlatformEnv>;

export function platformEnvironment(v: { stage: string; tablePrefix: string; queueUrls?: string; eventBus?: string }): Record<string, string> {
  return {
    VRACU_STAGE: v.stage,
    VRACU_TABLE_PREFIX: v.tablePrefix,
    ...(v.queueUrls !== undefined ? { VRACU_QUEUE_URLS: v.queueUrls } : {}),
    ...(v.eventBus !== undefined ? { VRACU_EVENT_BUS: v.eventBus } : {}),
  };
}

/** Functions of the jobs context. MAX_AGENTS, JOB_TIMEOUT_MS and VAP_DISPATCHER_CONFIG mean what the dispatcher seed says. */
export const JobsEnv = z.object({
  MAX_AGENTS: z.coerce.number().int().min(1).max(1000).default(9),
  JOB_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 24 * 3_600_000)
    .default(3_600_000),
  /** Where agent key files live (`~` is the home directory); the local stack only. */
  VAP_DISPATCHER_CONFIG: z.string().min(1).optional(),
  /** Where agent keys live: `local` key files under VAP_DISPATCHER_CONFIG, or `kms`. */
  VRACU_AGENT_SIGNER: z.enum(['local', 'kms']).default('local'),
  /** KMS: an agent without a registered kmsKeyId signs with `<prefix><agent name>`. */
  VRACU_AGENT_KEY_ALIAS_PREFIX: z.string().startsWith('alias/').default('alias/vracu-agent-'),
  VRACU_JOB_IMAGES: list.default(['ghcr.io/vracu/*', 'local/*']),
  VRACU_JOB_MAX_GPUS: z.coerce.number().int().min(0).default(8),
  VRACU_JOB_MAX_SCM_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 60),
  VRACU_JOB_MAX_MEMORY_MB: z.coerce.number().int().min(128).default(30_720),
  VRACU_JOB_MAX_CPU_UNITS: z.coerce.number().int().min(256).default(4096),
  VRACU_TENANT_MAX_ACTIVE_JOBS: z.coerce.number().int().min(1).default(50),
  VRACU_TENANT_MAX_ACTIVE_GPU_MINUTES: z.coerce.number().int().min(1).default(100_000),
  /** How long after its deadline an agent's lease runs out (the sweep then reclaims it). */
  VRACU_JOB_LEASE_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
  /** CloudWatch log group of job containers (cloud logs). */
  VRACU_JOB_LOG_GROUP: z.string().default('/vracu/jobs'),
  /** `ecs` in the cloud; `local` is the local stack's sandbox, which the stack gives itself. */
  VRACU_CONTAINER_DRIVER: z.enum(['ecs', 'local']).default('local'),
  /** The exchange API's base URL as job sidecars reach it (their privacy handshake); unset: the sidecar's own default. */
  VRACU_EXCHANGE_URL: z.url().optional(),
});
export type JobsEnv = z.output<typeof JobsEnv>;

export function jobsEnvironment(v: {
  maxAgents: number;
  images: readonly string[];
  logGroup: string;
  signer: 'local' | 'kms';
  agentKeyAliasPrefix?: string;
  driver: 'ecs' | 'local';
}): Record<string, string> {
  return {
    MAX_AGENTS: String(v.maxAgents),
    VRACU_JOB_IMAGES: v.images.join(','),
    VRACU_JOB_LOG_GROUP: v.logGroup,
    VRACU_AGENT_SIGNER: v.signer,
    ...(v.agentKeyAliasPrefix ? { VRACU_AGENT_KEY_ALIAS_PREFIX: v.agentKeyAliasPrefix } : {}),
    VRACU_CONTAINER_DRIVER: v.driver,
  };
}

/** Functions of the privacy context: the key broker (chosen here, checked at start) and the handshake's timings. */
export const PrivacyEnv = z.object({
  /** Which broker releases data keys; an unknown name fails at start, naming the known ones. */
  VRACU_KEY_BROKER: z.enum(['static', 'aws_kms', 'split_key', 'vault_transit']).default('static'),
  /** `static`: the seed (hex, at least 32 bytes); local and test stages fall back to a published development seed. */
  VRACU_KEY_BROKER_STATIC_SEED: z
    .string()
    .regex(/^([0-9a-f]{2}){32,}$/, 'must be at least 32 bytes of lower-case hex')
    .optional(),
  /** `static`: the HKDF salt of job keys. */
  VRACU_KEY_BROKER_STATIC_SALT: z.string().min(1).default('vracu/static-broker/v1'),
  /** `aws_kms`: the symmetric key (id, ARN or alias) data keys are generated under. */
  VRACU_KEY_BROKER_KMS_KEY_ID: z.string().min(1).optional(),
  /** `aws_kms` on the local stack: the loopback KMS-compatible service. */
  VRACU_KMS_ENDPOINT: z.url().optional(),
  /** `split_key`: where the primary share comes from (`aws_kms` in the cloud, `static` locally). */
  VRACU_KEY_BROKER_SPLIT_PRIMARY: z.enum(['static', 'aws_kms']).optional(),
  /** `split_key`: the share service's URL and the exchange's bearer credential for it. */
  VRACU_SHARE_SERVICE_URL: z.url().optional(),
  VRACU_SHARE_SERVICE_CREDENTIAL: z.string().min(16).optional(),
  /** `vault_transit`: Vault's address, token, transit mount and key (a `derived` key). */
  VRACU_VAULT_ADDR: z.url().optional(),
  VRACU_VAULT_TOKEN: z.string().min(1).optional(),
  VRACU_VAULT_TRANSIT_MOUNT: z
    .string()
    .regex(/^[A-Za-z0-9_\-/]+$/)
    .default('transit'),
  VRACU_VAULT_TRANSIT_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_\-.]+$/)
    .optional(),
  /** How long an issued handshake nonce stays valid. */
  VRACU_PRIVACY_NONCE_TTL_MS: z.coerce.number().int().min(1000).default(120_000),
  /** Rotation schedule the sidecar follows: a new step's key every interval; asked for `grace` early; retried after `retry`. */
  VRACU_PRIVACY_ROTATION_MS: z.coerce.number().int().min(1000).default(300_000),
  VRACU_PRIVACY_ROTATION_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  VRACU_PRIVACY_ROTATION_RETRY_MS: z.coerce.number().int().min(100).default(5_000),
  /** The signed revocation feed the revocationFeed schedule polls (https:// or file://); unset: none. */
  VRACU_REVOCATION_FEED_URL: z.url().optional(),
  /** The feed's Ed25519 public key (PEM); required with the URL. */
  VRACU_REVOCATION_FEED_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY').optional(),
  /** The platform CA's certificate (PEM): with a signer below, handshakes issue job certificates. */
  VRACU_JOB_CA_CERT: z.string().includes('BEGIN CERTIFICATE').optional(),
  /** The CA's key as PKCS#8 PEM (ECDSA P-256): local and test stages only (the local stack makes one). */
  VRACU_JOB_CA_KEY: z.string().includes('BEGIN PRIVATE KEY').optional(),
  /** The CA's key in KMS (spec ECC_NIST_P256): the cloud's signer. */
  VRACU_JOB_CA_KMS_KEY_ID: z.string().min(1).optional(),
  /** Attestation policy per kind (functions/privacy/attesters/verify.ts AttestationPolicy), JSON. */
  VRACU_ATTESTATION_POLICY: json(z.record(z.string(), z.unknown()), '{"snp": {...}, "tdx": {...}, "nvidia": {...}}').default({}),
});
export type PrivacyEnv = z.output<typeof PrivacyEnv>;

export function privacyEnvironment(v: { broker: 'static' | 'aws_kms'; kmsKeyId?: string | undefined }): Record<string, string> {
  return { VRACU_KEY_BROKER: v.broker, ...(v.kmsKeyId ? { VRACU_KEY_BROKER_KMS_KEY_ID: v.kmsKeyId } : {}) };
}
/** Functions of the artifacts context: where sealed artifacts live and how their file keys are wrapped. */
export const ArtifactsEnv = z.object({
  VRACU_ARTIFACTS_BUCKET: z.string().min(3).default('vracu-local-artifacts'),
  /** Set only for local engines: the S3 server's URL (fauxqs; path-style). */
  S3_ENDPOINT: z.url().optional(),
  /** `kms` in the cloud; `local` wraps with AES-256-GCM under VRACU_ARTIFACTS_LOCAL_KEY. */
  VRACU_ARTIFACTS_KEY_WRAPPER: z.enum(['kms', 'local']).default('local'),
  VRACU_ARTIFACTS_KMS_KEY_ID: z.string().min(1).optional(),
  /** The local wrapper's master key, 64 hex digits (the local stack makes one per data dir). */
  VRACU_ARTIFACTS_LOCAL_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')
    .optional(),
  /** Largest sealed artifact (bytes); S3 holds at most 5 TiB in one object. */
  VRACU_ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(5 * 1024 ** 4)
    .default(5 * 1024 ** 3),
  /**
   * Part size of a multipart upload, and its threshold: a sealed file over it is uploaded in
   * parts of this size (S3: 5 MiB to 5 GiB; fauxqs takes bodies up to 11 MiB).
   */
  VRACU_ARTIFACT_PART_BYTES: z.coerce
    .number()
    .int()
    .min(5 * 1024 ** 2)
    .max(5 * 1024 ** 3)
    .default(8 * 1024 ** 2),
  VRACU_JOB_MAX_INPUTS: z.coerce.number().int().min(1).max(100).default(16),
  /** Outputs per job: the output slots the sidecar gets. */
  VRACU_JOB_MAX_OUTPUTS: z.coerce.number().int().min(1).max(100).default(16),
  /** A job's outputs together, sealed bytes: over it the job fails `output_too_large` and nothing is uploaded. */
  VRACU_JOB_OUTPUT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 ** 3),
  /**
   * Days a job's outputs are kept: the bucket's lifecycle rule deletes `outputs/` after as many
   * days (lib/config.ts `artifacts.outputExpiryDays` sets both), and the records say `expired`.
   */
  VRACU_ARTIFACT_OUTPUT_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Presigned URL lifetime (seconds). */
  VRACU_ARTIFACT_URL_TTL_S: z.coerce.number().int().min(60).max(43_200).default(900),
});
export type ArtifactsEnv = z.output<typeof ArtifactsEnv>;

/** The cloud's artifacts variables (lib/constructs/artifacts-bucket.ts): the stage's bucket, and file keys wrapped by KMS under its key. */
export function artifactsEnvironment(v: { bucket: string; kmsKeyId: string; outputExpiryDays: number }): Record<string, string> {
  return {
    VRACU_ARTIFACTS_BUCKET: v.bucket,
    VRACU_ARTIFACTS_KEY_WRAPPER: 'kms',
    VRACU_ARTIFACTS_KMS_KEY_ID: v.kmsKeyId,
    VRACU_ARTIFACT_OUTPUT_EXPIRY_DAYS: String(v.outputExpiryDays),
  };
}

/** The task definitions of one image: ECS cannot override a task's image. */
const TaskDefinitions = z.record(
  z.string().min(1),
  z.strictObject({
    cpu: z.string().min(1).optional(),
    gpu: z.string().min(1).optional(),
    /** EXTERNAL-compatible: jobs placed on a joined provider, run on its ECS Anywhere instance. */
    external: z.string().min(1).optional(),
  }),
);

/** The ECS container driver (functions that run jobs in the cloud). */
export const EcsEnv = z
  .object({
    /** The cluster's name or ARN. */
    VRACU_ECS_CLUSTER: z.string().min(1),
    /** Comma-separated subnets for the task ENIs. */
    VRACU_ECS_SUBNETS: list.pipe(z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be subnet ids')).min(1)),
    /** No ingress; egress only to the exchange API (and the endpoints needed to pull and log). */
    VRACU_ECS_SECURITY_GROUP: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id'),
    /** ENABLED only for public subnets without NAT (Fargate needs a route to pull images). */
    VRACU_ECS_ASSIGN_PUBLIC_IP: z.enum(['ENABLED', 'DISABLED']).default('DISABLED'),
    /** The job task definition (ARN or family[:revision]) for CPU jobs of any image. */
    VRACU_ECS_TASK_DEFINITION: z.string().min(1).optional(),
    /** The same for GPU jobs (run on the GPU capacity provider). */
    VRACU_ECS_GPU_TASK_DEFINITION: z.string().min(1).optional(),
    /** image → { cpu?: task definition, gpu?: task definition }, `*` as fallback. */
    VRACU_ECS_TASK_DEFINITIONS: json(TaskDefinitions, '{"<image>": {"cpu": "<task definition>", "gpu": "<task definition>"}}').default({}),
    /** The capacity provider of GPU EC2 instances; required to launch GPU jobs. */
    VRACU_ECS_GPU_CAPACITY_PROVIDER: z.string().min(1).optional(),
    /** Container names in the task definition (lib/constructs/job-cluster.ts). */
    VRACU_ECS_WORKLOAD_CONTAINER: z.string().min(1).default(WORKLOAD_CONTAINER_NAME),
    VRACU_ECS_SIDECAR_CONTAINER: z.string().min(1).default(SIDECAR_CONTAINER_NAME),
  })
  .refine((c) => c.VRACU_ECS_TASK_DEFINITION || Object.keys(c.VRACU_ECS_TASK_DEFINITIONS).length > 0, {
    path: ['VRACU_ECS_TASK_DEFINITION'],
    message: 'set VRACU_ECS_TASK_DEFINITION or VRACU_ECS_TASK_DEFINITIONS',
  });
export type EcsEnv = z.output<typeof EcsEnv>;

export function ecsEnvironment(v: {
  cluster: string;
  subnets: readonly string[];
  securityGroup: string;
  assignPublicIp: 'ENABLED' | 'DISABLED';
  taskDefinitions: string;
  gpuCapacityProvider?: string | undefined;
}): Record<string, string> {
  return {
    VRACU_ECS_CLUSTER: v.cluster,
    VRACU_ECS_SUBNETS: v.subnets.join(','),
    VRACU_ECS_SECURITY_GROUP: v.securityGroup,
    VRACU_ECS_ASSIGN_PUBLIC_IP: v.assignPublicIp,
    VRACU_ECS_TASK_DEFINITIONS: v.taskDefinitions,
    ...(v.gpuCapacityProvider ? { VRACU_ECS_GPU_CAPACITY_PROVIDER: v.gpuCapacityProvider } : {}),
  };
}

/**
 * ECS Anywhere at join time (the join function only): each joined provider gets an SSM hybrid
 * activation for the instance role, so its machine can register with the job cluster.
 * Unset: the join answers no activation (the local stack, stages without external instances).
 */
export const EcsAnywhereEnv = z.object({
  /** The IAM role name (not ARN) the activation gives the provider's machine. */
  VRACU_ECS_ANYWHERE_ROLE: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .optional(),
  /** The cluster the machine joins (named in the install command the join answers). */
  VRACU_ECS_ANYWHERE_CLUSTER: z.string().min(1).optional(),
  /** How long the activation code can be used (SSM allows up to 30 days). */
  VRACU_ECS_ANYWHERE_ACTIVATION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
});
export type EcsAnywhereEnv = z.output<typeof EcsAnywhereEnv>;

export function ecsAnywhereEnvironment(v: { role: string; cluster: string; activationHours?: number }): Record<string, string> {
  return {
    VRACU_ECS_ANYWHERE_ROLE: v.role,
    VRACU_ECS_ANYWHERE_CLUSTER: v.cluster,
    ...(v.activationHours !== undefined ? { VRACU_ECS_ANYWHERE_ACTIVATION_HOURS: String(v.activationHours) } : {}),
  };
}

/** The sidecar's environment is the message the ECS driver sends each job container (events/). */
export { SIDECAR_ENV_PREFIX, SidecarEnv, sidecarCredentialEnvironment, sidecarEnvironment } from '../../events/sidecar-environment.ts';

/** The local stack's sandbox driver. */
export const SandboxEnv = z.object({
  /** `auto`: bubblewrap when installed, else a child process. */
  VRACU_SANDBOX_ISOLATION: z.enum(['auto', 'bwrap', 'process']).default('auto'),
  /** Comma-separated images the sandbox accepts; unset: any (the job policy decides). */
  VRACU_SANDBOX_IMAGES: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined,
    ),
});
export type SandboxEnv = z.output<typeof SandboxEnv>;

/** Powertools' own variables, which the functions set for it (the library reads them itself). */
export function observabilityEnvironment(v: { service: string; metricsNamespace: string }): Record<string, string> {
  return { POWERTOOLS_SERVICE_NAME: v.service, POWERTOOLS_METRICS_NAMESPACE: v.metricsNamespace };
}

/** ACU as a decimal string ("12.5"), kept a string here; the payments config parses it to µACU. */
const acuText = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be ACU as a decimal string such as "12.5"');

const PAYMENTS_NEEDS = ['stripeKey', 'webhookSecret', 'chain'] as const;
/**
 * Functions of the payments context. Without a Stripe key the context runs on its offline
 * Stripe (the local stack); without a webhook secret every webhook is refused (400).
 */
export const PaymentsEnv = z.object({
  VRACU_STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key')
    .optional(),
  VRACU_STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
  VRACU_CHECKOUT_SUCCESS_URL: z.url().default('http://127.0.0.1:8787/?checkout=success'),
  VRACU_CHECKOUT_CANCEL_URL: z.url().default('http://127.0.0.1:8787/?checkout=cancel'),
  /** Stripe's own minimum for USD is 50 cents. */
  VRACU_CHECKOUT_MIN_CENTS: z.coerce.number().int().min(50).default(100),
  VRACU_CHECKOUT_MAX_CENTS: z.coerce.number().int().min(50).default(1_000_000),
  VRACU_PAYOUT_MIN_ACU: acuText.default('1'),
  VRACU_PAYOUT_DAILY_LIMIT_ACU: acuText.default('10000'),
  /** Payout rails offered: `stripe` (Connect transfers), `chain` (ACU to a wallet; needs the chain settings). */
  VRACU_PAYOUT_RAILS: list.pipe(z.array(z.enum(['stripe', 'chain']))).default(['stripe']),
  VRACU_CHAIN_RPC_URL: z.url().optional(),
  VRACU_CHAIN_ROUTER: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  /** The first block reconciliation reads (the router's deployment block). */
  VRACU_CHAIN_FROM_BLOCK: z.coerce.number().int().min(0).default(0),
  /** Reconciliation reads up to this many blocks behind the head (reorg depth; 0 on a dev chain, which mines per transaction). */
  VRACU_CHAIN_RECONCILE_CONFIRMATIONS: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Blocks per reconciliation window: each window is one checkpoint (functions/payments/domain/reconcile-window.ts). */
  VRACU_CHAIN_RECONCILE_WINDOW: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  /** Records one window may match: a window that would match more is halved (its checkpoint names them, within DynamoDB's 400 KB item). */
  VRACU_CHAIN_RECONCILE_MAX_MATCHES: z.coerce.number().int().min(1).max(5_000).default(2_000),
  /** The wallet's key as a value: locally, or in the cloud read from Secrets Manager (VRACU_CHAIN_PRIVATE_KEY_ARN). */
  VRACU_CHAIN_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .optional(),
  /** Or the wallet signs with a KMS key of spec ECC_SECG_P256K1 (id, ARN or alias); the key never leaves KMS. Set both and the start is refused. */
  VRACU_CHAIN_KMS_KEY_ID: z.string().min(1).optional(),
  VRACU_KMS_ENDPOINT: PrivacyEnv.shape.VRACU_KMS_ENDPOINT,
  /** In the cloud: the Secrets Manager secrets (name or ARN) holding the values above; read at start (functions/payments/drivers/secrets.ts). */
  VRACU_STRIPE_SECRET_KEY_ARN: z.string().min(1).optional(),
  VRACU_STRIPE_WEBHOOK_SECRET_ARN: z.string().min(1).optional(),
  VRACU_CHAIN_PRIVATE_KEY_ARN: z.string().min(1).optional(),
  /** What this function cannot run without (set by the CDK from lib/access.ts); a missing one stops it at start. */
  VRACU_PAYMENTS_REQUIRES: list.pipe(z.array(z.enum(PAYMENTS_NEEDS))).default([]),
});
export type PaymentsEnv = z.output<typeof PaymentsEnv>;
/** What a payments function may need: the Stripe API key, the webhook signing secret, the chain (RPC URL, router, wallet key). */
export type PaymentsNeed = (typeof PAYMENTS_NEEDS)[number];
/** The variables naming a function's payments settings (names and ARNs, never values), for the CDK. */
export function paymentsEnvironment(v: {
  requires: readonly PaymentsNeed[];
  stripeSecretKeyArn?: string;
  webhookSecretArn?: string;
  chain?: { rpcUrl: string; router: string; fromBlock?: number; confirmations?: number } & ({ privateKeyArn: string } | { kmsKeyId: string });
}): Record<string, string> {
  const out: Record<string, string> = { VRACU_PAYMENTS_REQUIRES: v.requires.join(',') };
  if (v.requires.includes('stripeKey') && v.stripeSecretKeyArn) out.VRACU_STRIPE_SECRET_KEY_ARN = v.stripeSecretKeyArn;
  if (v.requires.includes('webhookSecret') && v.webhookSecretArn) out.VRACU_STRIPE_WEBHOOK_SECRET_ARN = v.webhookSecretArn;
  if (v.requires.includes('chain') && v.chain) {
    Object.assign(out, { VRACU_CHAIN_RPC_URL: v.chain.rpcUrl, VRACU_CHAIN_ROUTER: v.chain.router });
    if ('kmsKeyId' in v.chain) out.VRACU_CHAIN_KMS_KEY_ID = v.chain.kmsKeyId;
    else out.VRACU_CHAIN_PRIVATE_KEY_ARN = v.chain.privateKeyArn;
    if (v.chain.fromBlock !== undefined) out.VRACU_CHAIN_FROM_BLOCK = String(v.chain.fromBlock);
    if (v.chain.confirmations !== undefined) out.VRACU_CHAIN_RECONCILE_CONFIRMATIONS = String(v.chain.confirmations);
  }
  return out;
}
/**
 * Functions of the control plane. The receipt signing seeds: 64 bytes hex (the Ed25519
 * seed, then the ML-DSA-65 seed). Unset, the stages local and test derive development
 * keys from the table prefix; dev, staging and prod must set it (functions/control-plane/deps.ts).
 */
export const ControlPlaneEnv = z.object({
  VRACU_RECEIPT_SIGNING_SEED: z
    .string()
    .regex(/^[0-9a-f]{128}$/, 'must be 128 hex digits (two 32-byte seeds)')
    .optional(),
});
export type ControlPlaneEnv = z.output<typeof ControlPlaneEnv>;
