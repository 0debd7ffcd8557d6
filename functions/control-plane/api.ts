/** Control-plane routes (seed §8): the oracle under /v1/oracle. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { queryInteger } from '../platform/http/query.ts';
import { acuString, nonNegativeAcu, positiveAcu } from '../platform/money.ts';
import { BUCKET_ID } from './domain/oracle.ts';
import { KEY_KINDS } from './domain/transparency.ts';
import { PARAMETER_NAMES } from './domain/governance.ts';

const TAGS = ['control-plane'];
const Part = z.string().regex(/^[A-Za-z0-9._-]{1,48}$/, 'expected 1-48 characters of [A-Za-z0-9._-]');
const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 characters of [A-Za-z0-9_-]');
const BucketId = z.string().regex(BUCKET_ID, 'expected a bucket id <gpuProfile>:<region>, such as H100:us-east-1');
const Scm = z.number().int('SCM are whole units').min(0).max(1_000_000_000_000);
const Bps = z.number().int().min(0).max(100_000);

const OfferIn = z.strictObject({ providerId: Name, gpuProfile: Part, region: Part, capacityScm: Scm.min(1), price: positiveAcu });

export const supplyRoute = defineRoute({
  id: 'oracle-supply',
  method: 'POST',
  path: '/v1/oracle/supply',
  access: 'operator',
  summary:
    "Record supply offers (µACU per SCM, SCM per window), stamped with the exchange's clock; a newer offer replaces the provider's older one in its bucket",
  entry: 'functions/control-plane/handlers/oracle-supply.ts',
  tags: TAGS,
  request: { body: z.strictObject({ offers: z.array(OfferIn).min(1).max(100) }) },
  response: {
    status: 200,
    body: z.object({
      at: z.string(),
      recorded: z.array(z.object({ bucketId: z.string(), providerId: z.string(), outcome: z.enum(['written', 'unchanged', 'stale']) })),
    }),
  },
});

export const demandRoute = defineRoute({
  id: 'oracle-demand',
  method: 'POST',
  path: '/v1/oracle/demand',
  access: 'operator',
  summary: "Configure a bucket's demand: window, expected SCM, reserve ratio, price bounds; answers the bucket id",
  entry: 'functions/control-plane/handlers/oracle-demand.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      gpuProfile: Part,
      region: Part,
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
      demandScm: Scm,
      reserveRatioBps: Bps,
      floorPrice: nonNegativeAcu,
      capPrice: positiveAcu,
    }),
  },
  response: { status: 200, body: z.object({ bucketId: z.string(), version: z.number().int() }) },
});

const BucketOut = z.object({
  bucketId: z.string(),
  at: z.string(),
  configured: z.boolean(),
  demand: z.object({
    windowMinutes: z.number().int(),
    demandScm: z.number().int(),
    reserveRatioBps: z.number().int(),
    floorPrice: acuString,
    capPrice: acuString,
  }),
  demandScm: z.number().int(),
  requiredScm: z.number().int(),
  supplyScm: z.number().int(),
  offers: z.number().int(),
  marginalPrice: acuString.nullable(),
  clearingPrice: acuString.nullable(),
  utilisationBps: z.number().int(),
  surgeBps: z.number().int(),
  surgeApplied: z.boolean(),
  bounded: z.enum(['none', 'floor', 'cap']),
  unfilledScm: z.number().int(),
  allocations: z.array(z.object({ providerId: z.string(), scm: z.number().int(), price: acuString })),
});

export const bucketRoute = defineRoute({
  id: 'oracle-bucket',
  method: 'GET',
  path: '/v1/oracle/buckets/{id}',
  access: 'any',
  summary: 'A bucket cleared now (BucketResult): at its configured demand, or at ?demandScm',
  entry: 'functions/control-plane/handlers/oracle-bucket.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: BucketId }), query: z.strictObject({ demandScm: queryInteger(0, 999_999_999).optional() }) },
  response: { status: 200, body: BucketOut },
});

export const priceRoute = defineRoute({
  id: 'oracle-price',
  method: 'GET',
  path: '/v1/oracle/buckets/{id}/price',
  access: 'any',
  summary: "A bucket's clearing price now at its configured demand (null: no live offer)",
  entry: 'functions/control-plane/handlers/oracle-price.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: BucketId }) },
  response: {
    status: 200,
    body: z.object({
      bucketId: z.string(),
      at: z.string(),
      clearingPrice: acuString.nullable(),
      surgeBps: z.number().int(),
      utilisationBps: z.number().int(),
      bounded: z.enum(['none', 'floor', 'cap']),
    }),
  },
});

const Mem = z.number().int().min(1).max(10_000_000);
const Sms = z.number().int().min(1).max(100_000);
const UnitIn = z.strictObject({
  unitId: z.string().regex(/^[A-Za-z0-9._/-]{1,96}$/),
  providerId: Name,
  gpuProfile: Part,
  region: Part,
  kind: z.enum(['gpu', 'mig']),
  gpuId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  migProfile: z
    .string()
    .regex(/^[0-9]g\.[0-9]{1,3}gb$/, 'expected a MIG profile such as 1g.10gb')
    .optional(),
  memoryMb: Mem,
  sms: Sms,
});
const UnitOut = z.object({
  unitId: z.string(),
  providerId: z.string(),
  gpuProfile: z.string(),
  region: z.string(),
  kind: z.enum(['gpu', 'mig']),
  gpuId: z.string(),
  migProfile: z.string().nullable(),
  memoryMb: z.number().int(),
  sms: z.number().int(),
  attainedScm: z.number().int(),
  allocations: z.array(z.object({ jobId: z.string(), tenantId: z.string(), memoryMb: z.number().int(), sms: z.number().int() })),
});

export const unitsRegisterRoute = defineRoute({
  id: 'scheduler-units-register',
  method: 'POST',
  path: '/v1/scheduler/units',
  access: 'operator',
  summary: 'Register scheduling units: whole GPUs or MIG instances (each its own unit); a known unit id is left as it is',
  entry: 'functions/control-plane/handlers/scheduler-units-register.ts',
  tags: TAGS,
  request: { body: z.strictObject({ units: z.array(UnitIn).min(1).max(100) }) },
  response: { status: 200, body: z.object({ registered: z.number().int(), existing: z.number().int() }) },
});

export const unitsListRoute = defineRoute({
  id: 'scheduler-units',
  method: 'GET',
  path: '/v1/scheduler/units',
  access: 'operator',
  summary: 'Every scheduling unit with its capacity, attained service and allocations',
  entry: 'functions/control-plane/handlers/scheduler-units.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ units: z.array(UnitOut) }) },
});

export const reservationRoute = defineRoute({
  id: 'scheduler-reserve',
  method: 'POST',
  path: '/v1/scheduler/reservations',
  access: 'operator',
  summary: 'Reserve a unit for a job (resilience guards, then DRF placement): accepted {reservationId, providerId, unitId, expiresAt} or declined {reason}',
  entry: 'functions/control-plane/handlers/scheduler-reserve.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      jobId: Name,
      tenantId: Name,
      memoryMb: Mem,
      sms: Sms,
      scm: Scm.min(1),
      price: positiveAcu,
      gpuProfile: Part.optional(),
      region: Part.optional(),
      migProfile: z
        .string()
        .regex(/^[0-9]g\.[0-9]{1,3}gb$/)
        .optional(),
      outstandingExposure: nonNegativeAcu,
      creditUsed: nonNegativeAcu,
      creditLimit: nonNegativeAcu,
    }),
  },
  response: {
    status: 200,
    body: z.discriminatedUnion('status', [
      z.object({
        status: z.literal('accepted'),
        reservationId: z.string(),
        jobId: z.string(),
        providerId: z.string(),
        unitId: z.string(),
        expiresAt: z.string(),
        cost: acuString,
      }),
      z.object({
        status: z.literal('declined'),
        jobId: z.string(),
        reason: z.enum(['resilience_guard', 'price_floor', 'insufficient_capacity']),
        detail: z.string(),
      }),
    ]),
  },
});

const JobId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 characters of [A-Za-z0-9_.:-]');
const Digits = z.string().regex(/^(0|[1-9][0-9]{0,18})$/, 'expected a non-negative decimal integer string');

export const sliceRoute = defineRoute({
  id: 'metering-slice',
  method: 'POST',
  path: '/v1/metering/slices',
  access: 'provider',
  summary:
    "Record a usage slice {jobId, bucketId, seq, scmDeltaMilli, priceIndex} signed by the provider's node key: an exact duplicate succeeds silently, another slice at the same (job, seq) is 409 slice_conflict, a bad signature 401 slice_signature_invalid",
  entry: 'functions/control-plane/handlers/metering-slice.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      jobId: JobId,
      bucketId: BucketId,
      seq: z.number().int().min(0).max(9_999_999_999),
      scmDeltaMilli: Digits,
      priceIndex: nonNegativeAcu,
      signature: z
        .string()
        .regex(/^[A-Za-z0-9+/]{40,200}={0,2}$/, 'expected a base64 signature')
        .describe("the node key's signature over the canonical JSON of sliceMessage (functions/control-plane/domain/metering.ts)"),
    }),
  },
  response: { status: 200, body: z.object({ digest: z.string(), outcome: z.enum(['written', 'duplicate']) }) },
});

const PublicKeyOut = z.object({ alg: z.enum(['ed25519', 'ml-dsa-65']), keyId: z.string(), publicKey: z.string() });
const SignatureOut = z.object({ alg: z.enum(['ed25519', 'ml-dsa-65']), keyId: z.string(), sig: z.string() });

/**
 * Not /v1/keys: that path is the platform's API-key resource (functions/platform/api.ts), and
 * one path naming two kinds of key would read as one collection.
 */
export const signingKeysRoute = defineRoute({
  id: 'signing-keys',
  method: 'GET',
  path: '/v1/signing-keys',
  access: 'public',
  summary: 'The public keys that sign settlement receipts (Ed25519 and ML-DSA-65; key id = SHA-256 of the raw key)',
  entry: 'functions/control-plane/handlers/signing-keys.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ receiptLabel: z.string(), keys: z.array(PublicKeyOut) }) },
});

/** The receipt as signed (domain/receipt.ts, version 2); loose: a member this schema does not name still reaches the verifier. */
const ReceiptOut = z.looseObject({
  version: z.number().int(),
  jobId: z.string(),
  buyerId: z.string(),
  providerId: z.string(),
  bucketId: z.string(),
  slices: z.number().int(),
  slicesDigest: z.string(),
  // Version 2 (a version-1 receipt, written before settlement was the coverage transfer, lacks these).
  meteredScmMilli: z.string().optional(),
  basis: z.enum(['metered', 'runtime']).optional(),
  scm: z.string().optional(),
  rcDraws: z.array(z.looseObject({ rcId: z.string() })),
  spotScm: z.string().optional(),
  twap: acuString,
  burn: acuString,
  arrears: acuString.optional(),
  providerAmount: acuString,
  hold: acuString,
  refund: acuString,
  ledgerTransferIds: z.array(z.string()),
  settledAt: z.string(),
});

export const receiptRoute = defineRoute({
  id: 'job-receipt',
  method: 'GET',
  path: '/v1/jobs/{id}/receipt',
  access: 'any',
  summary: "A settled job's signed receipt (its buyer, its provider, operators, admins); verify offline with `vracu receipts verify`",
  entry: 'functions/control-plane/handlers/job-receipt.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: JobId }) },
  response: { status: 200, body: z.object({ receipt: ReceiptOut, signatures: z.array(SignatureOut) }) },
});

const TreeHeadOut = z.object({
  head: z.object({ origin: z.string(), treeSize: z.number().int(), rootHash: z.string(), timestamp: z.string() }),
  signatures: z.array(SignatureOut),
});
const LogEntryOut = z.object({
  kind: z.enum(KEY_KINDS),
  alg: z.string(),
  keyId: z.string(),
  publicKey: z.string(),
  subject: z.string(),
  publishedAt: z.string(),
});
const KeyId = z.string().regex(/^[0-9a-f]{64}$/, 'expected a key id: 64 hex digits (SHA-256 of the raw key)');

export const logPublishRoute = defineRoute({
  id: 'transparency-publish',
  method: 'POST',
  path: '/v1/transparency/keys',
  access: 'admin',
  summary: 'Append a published key to the transparency log (once per key id); the next signed tree head covers it',
  entry: 'functions/control-plane/handlers/transparency-publish.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      kind: z.enum(KEY_KINDS),
      alg: z.string().regex(/^[a-z0-9-]{1,32}$/),
      keyId: KeyId,
      publicKey: z.string().regex(/^[A-Za-z0-9+/]{1,8000}={0,2}$/, 'expected base64'),
      subject: Name,
    }),
  },
  response: { status: 200, body: z.object({ leafIndex: z.number().int(), appended: z.boolean() }) },
});

export const sthRoute = defineRoute({
  id: 'transparency-sth',
  method: 'GET',
  path: '/v1/transparency/sth',
  access: 'public',
  summary: "The log's latest signed tree head (size, RFC 6962 root, dual-signed by the keys at /v1/signing-keys)",
  entry: 'functions/control-plane/handlers/transparency-sth.ts',
  tags: TAGS,
  response: { status: 200, body: TreeHeadOut },
});

export const inclusionRoute = defineRoute({
  id: 'transparency-inclusion',
  method: 'GET',
  path: '/v1/transparency/proofs/inclusion',
  access: 'public',
  summary: "A key's entry and its RFC 6962 inclusion proof in the latest (or ?treeSize) signed tree head",
  entry: 'functions/control-plane/handlers/transparency-inclusion.ts',
  tags: TAGS,
  request: { query: z.strictObject({ keyId: KeyId, treeSize: queryInteger(1, 999_999_999).optional() }) },
  response: {
    status: 200,
    body: z.object({ entry: LogEntryOut, sth: TreeHeadOut, leafIndex: z.number().int(), treeSize: z.number().int(), proof: z.array(z.string()) }),
  },
});

export const consistencyRoute = defineRoute({
  id: 'transparency-consistency',
  method: 'GET',
  path: '/v1/transparency/proofs/consistency',
  access: 'public',
  summary: 'The RFC 6962 consistency proof between two signed tree heads (the log only grew)',
  entry: 'functions/control-plane/handlers/transparency-consistency.ts',
  tags: TAGS,
  request: { query: z.strictObject({ first: queryInteger(1, 999_999_999), second: queryInteger(1, 999_999_999) }) },
  response: { status: 200, body: z.object({ first: TreeHeadOut, second: TreeHeadOut, proof: z.array(z.string()) }) },
});

const ProposalOut = z.object({
  proposalId: z.string(),
  parameter: z.string(),
  value: z.string(),
  baseVersion: z.number().int(),
  proposer: z.string(),
  status: z.enum(['ACTIVE', 'QUEUED', 'EXECUTED', 'DEFEATED']),
  createdAt: z.string(),
  votingEndsAt: z.string(),
  eta: z.string().nullable(),
  executedAt: z.string().nullable(),
  yes: z.number().int(),
  no: z.number().int(),
  votes: z.array(z.object({ voter: z.string(), role: z.string(), support: z.boolean(), at: z.string() })),
});
const ProposalId = z.object({ id: z.string().regex(/^prp_[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a proposal id such as prp_01…') }).strict();
const GovStep = (id: string, path: string, summary: string, entry: string) =>
  defineRoute({
    id,
    method: 'POST',
    path,
    access: 'operator',
    summary,
    entry,
    tags: TAGS,
    request: { params: ProposalId },
    response: { status: 200, body: ProposalOut },
  });

export const proposeRoute = defineRoute({
  id: 'governance-propose',
  method: 'POST',
  path: '/v1/governance/proposals',
  access: 'operator',
  summary: 'Propose a new value for a governed parameter (an integer: bp or µACU); voting opens now',
  entry: 'functions/control-plane/handlers/governance-propose.ts',
  tags: TAGS,
  request: { body: z.strictObject({ parameter: z.enum(PARAMETER_NAMES), value: Digits }) },
  response: { status: 201, body: ProposalOut },
});
export const voteRoute = defineRoute({
  id: 'governance-vote',
  method: 'POST',
  path: '/v1/governance/proposals/{id}/votes',
  access: 'operator',
  summary: 'Vote on an active proposal (once per principal, while voting is open)',
  entry: 'functions/control-plane/handlers/governance-vote.ts',
  tags: TAGS,
  request: { params: ProposalId, body: z.strictObject({ support: z.boolean() }) },
  response: { status: 200, body: ProposalOut },
});
export const queueRoute = GovStep(
  'governance-queue',
  '/v1/governance/proposals/{id}/queue',
  'Queue a passed proposal behind the timelock (≥ 48 h) after voting ends',
  'functions/control-plane/handlers/governance-queue.ts',
);
export const executeRoute = GovStep(
  'governance-execute',
  '/v1/governance/proposals/{id}/execute',
  'Execute a queued proposal at or after its ETA: the parameter moves one version, with a signed execution receipt',
  'functions/control-plane/handlers/governance-execute.ts',
);
export const proposalsRoute = defineRoute({
  id: 'governance-proposals',
  method: 'GET',
  path: '/v1/governance/proposals',
  access: 'operator',
  summary: 'The latest proposals, newest first',
  entry: 'functions/control-plane/handlers/governance-proposals.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ proposals: z.array(ProposalOut) }) },
});
export const parametersRoute = defineRoute({
  id: 'governance-parameters',
  method: 'GET',
  path: '/v1/governance/parameters',
  access: 'any',
  summary: 'Every governed parameter: its value and version',
  entry: 'functions/control-plane/handlers/governance-parameters.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ parameters: z.array(z.object({ name: z.string(), value: z.string(), version: z.number().int() })) }) },
});

export const controlPlaneRoutes = [
  proposeRoute,
  voteRoute,
  queueRoute,
  executeRoute,
  proposalsRoute,
  parametersRoute,
  logPublishRoute,
  sthRoute,
  inclusionRoute,
  consistencyRoute,
  supplyRoute,
  demandRoute,
  bucketRoute,
  priceRoute,
  unitsRegisterRoute,
  unitsListRoute,
  reservationRoute,
  sliceRoute,
  signingKeysRoute,
  receiptRoute,
] as const;
