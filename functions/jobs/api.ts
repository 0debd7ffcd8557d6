/** Jobs routes: submission, inspection, cancel, attestations; agents and the pool. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { PageQuery, queryInteger } from '../platform/http/query.ts';
import { idPattern } from '../platform/ids.ts';
import { JOB_STATUSES } from './domain/lifecycle.ts';
import { acuString } from '../platform/money.ts';
import { ATTESTER_NAMES } from './domain/job.ts';

const JobIdParams = z.strictObject({ id: z.string().regex(idPattern('job'), 'must be a job id (job_ + 26 characters)') });

const SubmitBody = z.strictObject({
  adapter: z.string().min(1).max(64),
  spec: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.number().int().min(1000).optional(),
  memoryMb: z.number().int().min(128).optional(),
  cpuUnits: z.number().int().min(128).optional(),
  network: z.enum(['none', 'exchange']).optional(),
  /** Keys only after attestation: every listed attester must accept the container's evidence (docs/privacy.md). */
  privacy: z.strictObject({ tier: z.literal('attested'), attesters: z.array(z.enum(ATTESTER_NAMES)).min(1).max(ATTESTER_NAMES.length) }).optional(),
  /** Sealed artifacts (POST /v1/artifacts) the job reads as plain files named `name` in its work dir. */
  inputs: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'one path segment'),
        artifactId: z.string().regex(idPattern('art'), 'must be an artifact id'),
      }),
    )
    .max(16)
    .refine((a) => new Set(a.map((i) => i.name)).size === a.length, 'input names must be unique')
    .optional(),
});

const Tier = z.enum(['ephemeral-container', 'attested']);
const PrivacyOut = z.object({ tier: Tier, attesters: z.array(z.enum(ATTESTER_NAMES)), attestationHash: z.string().optional() });

const Profile = z.object({
  numGpus: z.number(),
  minVramGb: z.number(),
  interconnect: z.array(z.string()),
  scmMinutes: z.number(),
  features: z.array(z.string()),
});
const ProbeOut = z.object({ path: z.string(), port: z.number(), periodSec: z.number() });
const Plan = z.object({
  image: z.string(),
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  volumes: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean() })),
  strategy: z.enum(['ddp', 'fsdp', 'service', 'single', 'tiling', 'composite']),
  rendezvous: z.object({ backend: z.string(), port: z.number() }).optional(),
  io: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  metadata: z.record(z.string(), z.string()),
  replicas: z.number().optional(),
  servicePorts: z.array(z.number()).optional(),
  probes: z.object({ readiness: ProbeOut, liveness: ProbeOut }).optional(),
  autoscaling: z.object({ minReplicas: z.number(), maxReplicas: z.number(), targetQps: z.number() }).optional(),
});
const Resources = z.object({ cpuUnits: z.number(), memoryMb: z.number(), timeoutMs: z.number(), network: z.enum(['none', 'exchange']) });

export const JobOut = z.object({
  jobId: z.string(),
  adapter: z.string(),
  status: z.enum(JOB_STATUSES),
  reason: z.string().optional(),
  spec: z.record(z.string(), z.unknown()),
  inputs: z.array(z.object({ name: z.string(), artifactId: z.string() })).optional(),
  profile: Profile,
  plan: Plan,
  resources: Resources,
  /** The job's quota weight: GPUs × scheduled compute minutes (a CPU-only job counts one GPU). */
  gpuMinutes: z.number(),
  jobHash: z.string(),
  privacy: PrivacyOut,
  createdAt: z.string(),
  updatedAt: z.string(),
  agent: z.object({ name: z.string(), identity: z.string() }).optional(),
  containerId: z.string().optional(),
  exitCode: z.number().nullable().optional(),
  deadline: z.string().optional(),
  endedAt: z.string().optional(),
  abortRequested: z.string().optional(),
  attested: z.object({ creation: z.boolean(), deletion: z.boolean() }),
  /** The provider the job runs on (`exchange`: the exchange's own pool) and why it was placed there. */
  providerId: z.string().optional(),
  placement: z.object({ providerId: z.string(), reason: z.enum(['rc_coverage', 'spot', 'exchange_pool']), detail: z.string() }).optional(),
  /** What the job's end was billed: SCU (market units), RC draws, the spot part and its price, the amount, the held part (ACU). */
  bill: z
    .object({
      rule: z.string(),
      providerId: z.string(),
      runtimeSeconds: z.number().int(),
      scu: z.number().int(),
      coveredScu: z.number().int(),
      spotScu: z.number().int(),
      rcDraws: z.array(z.object({ rcId: z.string(), scu: z.number().int(), amount: acuString })),
      spotAmount: acuString,
      amount: acuString,
      arrears: acuString,
      // Absent on bills recorded before settlement carried them.
      basis: z.enum(['metered', 'runtime']).optional(),
      spotPrice: acuString.optional(),
      hold: acuString.optional(),
      holdReleaseAt: z.string().nullable().optional(),
      transferId: z.string().optional(),
      billedAt: z.string(),
    })
    .optional(),
});

export const CreationOut = z.object({
  type: z.literal('container:created'),
  jobId: z.string(),
  containerId: z.string(),
  agentId: z.string(),
  identity: z.string(),
  createdAt: z.string(),
  jobHash: z.string(),
  ephemeral: z.literal(true),
  privacyTier: Tier,
  attestationHash: z.string().optional(),
  signature: z.string(),
});
export const DeletionOut = z.object({
  type: z.literal('container:destroyed'),
  jobId: z.string(),
  containerId: z.string(),
  createdAt: z.string(),
  destroyedAt: z.string(),
  dataVolumes: z.array(z.string()),
  deletionMethod: z.string(),
  exitCode: z.number().nullable(),
  stopReason: z.string(),
  privacyAttestation: z.literal(true),
  privacyTier: Tier,
  attestationHash: z.string().optional(),
  /** What left the container: each output's name, sealed size and Merkle root (docs/artifacts.md). */
  outputs: z.array(z.object({ artifactId: z.string(), name: z.string(), size: z.number(), merkleRoot: z.string() })).optional(),
  signature: z.string(),
});

const AttestationsOut = z.object({
  jobId: z.string(),
  status: z.enum(JOB_STATUSES),
  jobHash: z.string(),
  agent: z.object({ name: z.string(), identity: z.string(), publicKey: z.string() }).nullable(),
  creation: CreationOut.nullable(),
  deletion: DeletionOut.nullable(),
});

const AgentOut = z.object({
  name: z.string(),
  identity: z.string(),
  publicKey: z.string(),
  registeredAt: z.string(),
  busy: z.boolean(),
  jobId: z.string().optional(),
});

const jobRoute = <T extends z.ZodType>(id: string, path: string, summary: string, body: T, method: 'GET' | 'DELETE' = 'GET', status = 200) =>
  defineRoute({
    id,
    method,
    path,
    access: 'buyer',
    summary,
    entry: `functions/jobs/handlers/${id}.ts`,
    tags: ['jobs'],
    request: { params: JobIdParams },
    response: { status, body },
  });

export const submitJobRoute = defineRoute({
  id: 'jobs-submit',
  method: 'POST',
  path: '/v1/jobs',
  access: 'buyer',
  summary: 'Submit a job: adapter and spec; it runs in a fresh container with signed creation and deletion attestations',
  entry: 'functions/jobs/handlers/jobs-submit.ts',
  tags: ['jobs'],
  request: { body: SubmitBody },
  response: { status: 201, body: JobOut },
  idempotent: true,
});

export const preflightRoute = defineRoute({
  id: 'jobs-preflight',
  method: 'POST',
  path: '/v1/preflight',
  access: 'buyer',
  summary: 'Run the submission pipeline without persisting: the profile, plan and policy verdict',
  entry: 'functions/jobs/handlers/jobs-preflight.ts',
  tags: ['jobs'],
  request: { body: SubmitBody },
  response: {
    status: 200,
    body: z.object({
      adapter: z.string(),
      profile: Profile,
      plan: Plan,
      resources: Resources,
      gpuMinutes: z.number(),
      privacy: z.object({ tier: z.literal('attested'), attesters: z.array(z.enum(ATTESTER_NAMES)) }).optional(),
      accepted: z.literal(true),
    }),
  },
});

export const listJobsRoute = defineRoute({
  id: 'jobs-list',
  method: 'GET',
  path: '/v1/jobs',
  access: 'buyer',
  summary: "The caller's jobs, newest first",
  entry: 'functions/jobs/handlers/jobs-list.ts',
  tags: ['jobs'],
  request: { query: PageQuery },
  response: { status: 200, body: z.object({ jobs: z.array(JobOut), next: z.string().optional() }) },
});

export const getJobRoute = jobRoute('jobs-get', '/v1/jobs/{id}', 'One job', JobOut);
export const jobStatusRoute = jobRoute(
  'jobs-status',
  '/v1/jobs/{id}/status',
  "A job's status",
  z.object({ jobId: z.string(), status: z.enum(JOB_STATUSES), reason: z.string().optional(), updatedAt: z.string(), terminal: z.boolean() }),
);
export const cancelJobRoute = jobRoute(
  'jobs-cancel',
  '/v1/jobs/{id}',
  'Cancel a job: stops its container; it ends ABORTED with a deletion attestation',
  JobOut,
  'DELETE',
  202,
);
export const attestationsRoute = jobRoute(
  'jobs-attestations',
  '/v1/jobs/{id}/attestations',
  "A job's signed creation and deletion attestations",
  AttestationsOut,
);

export const jobLogsRoute = defineRoute({
  id: 'jobs-logs',
  method: 'GET',
  path: '/v1/jobs/{id}/logs',
  access: 'buyer',
  summary: "A job's container output",
  entry: 'functions/jobs/handlers/jobs-logs.ts',
  tags: ['jobs'],
  request: {
    params: JobIdParams,
    query: z.strictObject({ limit: queryInteger(1, 1000).default(200), cursor: z.string().max(1024).optional() }),
  },
  response: {
    status: 200,
    body: z.object({
      jobId: z.string(),
      lines: z.array(z.object({ ts: z.number(), stream: z.enum(['stdout', 'stderr']), message: z.string() })),
      next: z.string().optional(),
    }),
  },
});

export const registerAgentRoute = defineRoute({
  id: 'agents-register',
  method: 'POST',
  path: '/v1/agents',
  access: 'provider',
  summary: 'Register an agent identity of the pool by proof of key possession: its name, identity and secp256k1 public key, signed over a challenge',
  entry: 'functions/jobs/handlers/agents-register.ts',
  tags: ['agents'],
  request: {
    body: z.strictObject({
      challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the challenge POST /v1/agents/challenge answered'),
      /** secp256k1 low-s compact (64 bytes, base64) over SHA-256 of the canonical registration message (docs/jobs.md). */
      signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'expected a 64-byte signature in base64'),
      name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -'),
      identity: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}\.agentplatform@$/, 'must look like ari1.agentplatform@'),
      publicKey: z.string().regex(/^0[23][0-9a-f]{64}$/, 'must be a compressed secp256k1 public key in lower-case hex'),
      kmsKeyId: z.string().min(1).max(2048).optional(),
    }),
  },
  response: { status: 201, body: AgentOut },
});

export const agentChallengeRoute = defineRoute({
  id: 'agents-challenge',
  method: 'POST',
  path: '/v1/agents/challenge',
  access: 'provider',
  summary: "A challenge for registering an agent: the agent's key signs it (usable once, by this provider, for 5 minutes)",
  entry: 'functions/jobs/handlers/agents-challenge.ts',
  tags: ['agents'],
  request: { body: z.strictObject({}) },
  response: { status: 201, body: z.object({ challenge: z.string(), expiresAt: z.string() }) },
});

export const listAgentsRoute = defineRoute({
  id: 'agents-list',
  method: 'GET',
  path: '/v1/agents',
  access: 'any',
  summary: 'Registered agents and their public keys (what attestations verify against)',
  entry: 'functions/jobs/handlers/agents-list.ts',
  tags: ['agents'],
  response: { status: 200, body: z.object({ agents: z.array(AgentOut) }) },
});

export const poolStatusRoute = defineRoute({
  id: 'pool-status',
  method: 'GET',
  path: '/v1/pool',
  access: 'provider',
  summary: 'The agent pool: busy agents, active and queued jobs',
  entry: 'functions/jobs/handlers/pool-status.ts',
  tags: ['agents'],
  response: {
    status: 200,
    body: z.object({
      maxAgents: z.number(),
      busy: z.number(),
      queued: z.number(),
      agents: z.array(AgentOut),
      active: z.array(
        z.object({
          jobId: z.string(),
          status: z.enum(JOB_STATUSES),
          agent: z.string().optional(),
          containerId: z.string().optional(),
          deadline: z.string().optional(),
        }),
      ),
    }),
  },
});

export const poolAttestationsRoute = defineRoute({
  id: 'pool-attestations',
  method: 'GET',
  path: '/v1/pool/attestations',
  access: 'provider',
  summary: 'Recently ended jobs of the pool with their attestations (for `vap-dispatcher privacy`)',
  entry: 'functions/jobs/handlers/pool-attestations.ts',
  tags: ['agents'],
  request: { query: z.strictObject({ limit: queryInteger(1, 1000).default(200) }) },
  response: { status: 200, body: z.object({ jobs: z.array(AttestationsOut) }) },
});

export const jobsRoutes = [
  submitJobRoute,
  preflightRoute,
  listJobsRoute,
  getJobRoute,
  jobStatusRoute,
  jobLogsRoute,
  cancelJobRoute,
  attestationsRoute,
  registerAgentRoute,
  agentChallengeRoute,
  listAgentsRoute,
  poolStatusRoute,
  poolAttestationsRoute,
];
