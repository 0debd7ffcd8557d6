/** The providers context's routes: join tokens, joining and verifying, the directory, heartbeats. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { EvidenceIn } from '../privacy/index.ts';
import { acuString, positiveAcu } from '../platform/money.ts';
import { NODE_KEY_ALGORITHMS } from './domain/node-key.ts';

const TAGS = ['providers'];
const Label = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, 'expected 1-64 characters of [A-Za-z0-9 _.:-]');
const Model = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected a GPU model such as H100');
const Region = z.string().regex(/^[a-z0-9-]{1,32}$/, 'expected a region such as us-east');
const ProviderId = z.string().regex(/^prv_[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a provider id such as prv_01…');
const Base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'expected base64')
  .max(4096);
const Units = z.number().int('units are whole').min(1).max(4096);

export const JoinPolicyIn = z.strictObject({
  gpuModels: z.array(Model).max(32).default([]),
  regions: z.array(Region).max(32).default([]),
  maxUnits: Units,
});

const PolicyOut = z.object({ gpuModels: z.array(z.string()), regions: z.array(z.string()), maxUnits: z.number().int() });

export const joinTokenCreateRoute = defineRoute({
  id: 'providers-join-token-create',
  method: 'POST',
  path: '/v1/fleet/join-tokens',
  access: 'operator',
  summary: 'Issue a join token: the secret is shown once and only its hash is kept',
  entry: 'functions/providers/handlers/join-token-create.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      policy: JoinPolicyIn,
      ttlSec: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(86_400),
      scope: Label.default('default'),
      treasuryAccount: z
        .string()
        .regex(/^(user|provider):[A-Za-z0-9_.-]{1,128}$/, 'expected a ledger account such as user:prn_…')
        .optional(),
    }),
  },
  response: {
    status: 201,
    body: z.object({
      tokenId: z.string(),
      token: z.string(),
      policy: PolicyOut,
      scope: z.string(),
      treasuryAccount: z.string().nullable(),
      expiresAt: z.string(),
    }),
  },
});

export const joinRoute = defineRoute({
  id: 'providers-join',
  method: 'POST',
  path: '/v1/join',
  access: 'public',
  summary: 'Redeem a join token (once): the provider, its API key (shown once), ledger account and catalog entry',
  entry: 'functions/providers/handlers/join.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      token: z.string().regex(/^vjt_[A-Za-z0-9_-]{43}$/, 'expected a join token such as vjt_…'),
      name: Label,
      gpuModel: Model,
      region: Region,
      units: Units,
      spotPrice: positiveAcu,
      contact: z.string().max(256).optional(),
    }),
  },
  response: {
    status: 201,
    body: z.object({
      providerId: z.string(),
      apiKey: z.string(),
      keyId: z.string(),
      challenge: z.string(),
      challengeExpiresAt: z.string(),
      status: z.string(),
      /** Where the exchange's cluster takes external instances: the machine's SSM activation (code shown once) and ECS agent attributes. */
      ecsAnywhere: z
        .object({
          activationId: z.string(),
          activationCode: z.string(),
          region: z.string(),
          expiresAt: z.string(),
          cluster: z.string(),
          attributes: z.string(),
        })
        .optional(),
    }),
  },
});

export const verifyRoute = defineRoute({
  id: 'providers-join-verify',
  method: 'POST',
  path: '/v1/join/verify',
  access: 'provider',
  summary: "Prove possession of the node key: a signature over the join's challenge; the public key is stored",
  entry: 'functions/providers/handlers/join-verify.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the challenge the join answered'),
      publicKey: Base64,
      algorithm: z.enum(NODE_KEY_ALGORITHMS),
      signature: Base64,
    }),
  },
  response: { status: 200, body: z.object({ providerId: z.string(), status: z.literal('VERIFIED'), keyAlgorithm: z.string() }) },
});

const Gpu = z.strictObject({
  index: z.number().int().min(0).max(63),
  model: z.string().min(1).max(64),
  memoryMiB: z.number().int().min(0).max(10_000_000),
  migMode: z.boolean(),
  migInstances: z.array(z.string().regex(/^[0-9a-z.+]{1,32}$/)).max(64),
});
const Telemetry = z.strictObject({
  utilizationPct: z.number().min(0).max(100),
  temperatureC: z.number().min(-50).max(200),
  freeUnits: z.number().int().min(0).max(4096),
});
const Calibration = z.strictObject({
  fp16Gflops: z.number().int().min(0).max(100_000_000),
  fp32Gflops: z.number().int().min(0).max(100_000_000),
  memBandwidthGBs: z.number().int().min(0).max(1_000_000),
  interconnectGBs: z.number().int().min(0).max(1_000_000),
  variabilityPpm: z.number().int().min(0).max(1_000_000),
});

export const HeartbeatIn = z.strictObject({
  providerId: ProviderId,
  timestampMs: z.number().int().min(0),
  inventory: z.strictObject({ gpus: z.array(Gpu).max(64) }),
  telemetry: Telemetry,
  calibration: Calibration.optional(),
  /** Base64 signature by the node key over the canonical JSON of every other member. */
  signature: Base64,
});

export const heartbeatRoute = defineRoute({
  id: 'providers-heartbeat',
  method: 'POST',
  path: '/v1/providers/{id}/heartbeat',
  access: 'provider',
  summary: "A node's signed heartbeat: inventory, telemetry, calibration; keeps the provider online",
  entry: 'functions/providers/handlers/heartbeat.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: ProviderId }), body: HeartbeatIn },
  response: {
    status: 200,
    body: z.object({
      providerId: z.string(),
      online: z.boolean(),
      acceptedAt: z.string(),
      scmPerMin: z.string(),
      units: z.number().int(),
      freeUnits: z.number().int(),
      relisted: z.boolean(),
    }),
  },
});

export const ProviderOut = z.object({
  providerId: z.string(),
  name: z.string(),
  gpuModel: z.string(),
  region: z.string(),
  units: z.number().int(),
  scope: z.string(),
  treasuryAccount: z.string().nullable(),
  status: z.enum(['JOINED', 'VERIFIED']),
  online: z.boolean(),
  quotable: z.boolean(),
  spotPrice: acuString,
  scmPerMin: z.string(),
  freeUnits: z.number().int(),
  keyAlgorithm: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  inventory: z.unknown(),
  telemetry: z.unknown(),
  calibration: z.unknown(),
  /** Hardware evidence kinds proven: when, the digest of the verified claims, whether it still counts for placement. */
  proven: z.record(z.string(), z.object({ at: z.string(), claimsDigest: z.string(), valid: z.boolean() })),
  contact: z.string().nullable(),
  createdAt: z.string(),
});

export const providerGetRoute = defineRoute({
  id: 'providers-get',
  method: 'GET',
  path: '/v1/providers/{id}',
  access: 'any',
  summary: 'One provider: the provider itself or an operator (anyone else: 404)',
  entry: 'functions/providers/handlers/provider-get.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: ProviderId }) },
  response: { status: 200, body: ProviderOut },
});

export const providerPatchRoute = defineRoute({
  id: 'providers-patch',
  method: 'PATCH',
  path: '/v1/providers/{id}',
  access: 'any',
  summary: "Change a provider's metadata (name, contact): the provider itself or an operator",
  entry: 'functions/providers/handlers/provider-patch.ts',
  tags: TAGS,
  request: {
    params: z.strictObject({ id: ProviderId }),
    body: z
      .strictObject({ name: Label.optional(), contact: z.string().max(256).optional() })
      .refine((b) => b.name !== undefined || b.contact !== undefined, 'give name or contact'),
  },
  response: { status: 200, body: ProviderOut },
});

export const providersListRoute = defineRoute({
  id: 'providers-list',
  method: 'GET',
  path: '/v1/providers',
  access: 'operator',
  summary: 'Every joined provider (operators)',
  entry: 'functions/providers/handlers/providers-list.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ providers: z.array(ProviderOut) }) },
});

const EvidenceNonceHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be the 32-byte nonce in lower-case hex');
const ProvenOut = ProviderOut.shape.proven;

export const evidenceNonceRoute = defineRoute({
  id: 'providers-evidence-nonce',
  method: 'POST',
  path: '/v1/providers/{id}/evidence/nonce',
  access: 'provider',
  summary: 'A single-use nonce for a proof of hardware: the evidence must carry the challenge of the provider id and this nonce',
  entry: 'functions/providers/handlers/evidence-nonce.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: ProviderId }), body: z.strictObject({}) },
  response: { status: 200, body: z.object({ providerId: z.string(), nonce: z.string(), expiresAt: z.string() }) },
});

export const evidenceRoute = defineRoute({
  id: 'providers-evidence',
  method: 'POST',
  path: '/v1/providers/{id}/evidence',
  access: 'provider',
  summary: 'Prove hardware (SEV-SNP, TDX, NVIDIA evidence over the open nonce): verified against the pinned roots, recorded for placement',
  entry: 'functions/providers/handlers/evidence.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: ProviderId }), body: z.strictObject({ nonce: EvidenceNonceHex, evidence: EvidenceIn }) },
  response: { status: 200, body: z.object({ providerId: z.string(), proven: ProvenOut }) },
});

export const providersRoutes = [
  joinTokenCreateRoute,
  joinRoute,
  verifyRoute,
  heartbeatRoute,
  providerGetRoute,
  providerPatchRoute,
  providersListRoute,
  evidenceNonceRoute,
  evidenceRoute,
] as const;
