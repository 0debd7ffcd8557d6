/**
 * Privacy routes. The sidecar's (access `job`: the job credential in X-Job-Credential, checked
 * by the use case on every request): nonce, handshake, next DEK, rotation acknowledgement. The
 * owner's view of a job's privacy, and the admin's revocations.
 */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { idPattern } from '../platform/ids.ts';
import { ATTESTER_NAMES, JOB_STATUSES } from '../jobs/index.ts';
import { REVOCATION_KINDS } from './domain/revocation.ts';
import { EvidenceIn } from './domain/evidence.ts';
import { OutputGrantOut, ReleasedInputOut } from '../artifacts/index.ts';

const JobIdParams = z.strictObject({ id: z.string().regex(idPattern('job'), 'must be a job id (job_ + 26 characters)') });
const Nonce = z.string().regex(/^[0-9a-f]{64}$/, 'must be the 32-byte nonce in lower-case hex');
const Step = z.number().int().min(1).max(1_000_000_000);
const Rotation = z.object({ intervalMs: z.number(), graceMs: z.number(), retryDelayMs: z.number(), nextDueAt: z.string() });

const sidecarRoute = <B extends z.ZodType, R extends z.ZodType>(id: string, suffix: string, summary: string, body: B, response: R) =>
  defineRoute({
    id,
    method: 'POST',
    path: `/v1/jobs/{id}/privacy/${suffix}`,
    access: 'job',
    summary,
    entry: `functions/privacy/handlers/${id}.ts`,
    tags: ['privacy'],
    request: { params: JobIdParams, body },
    response: { status: 200, body: response },
  });

export const nonceRoute = sidecarRoute(
  'privacy-nonce',
  'nonce',
  "A fresh single-use nonce for the job's handshake (the evidence must carry the challenge made of it and the job id)",
  z.strictObject({}),
  z.object({ nonce: z.string(), expiresAt: z.string() }),
);

export const handshakeRoute = sidecarRoute(
  'privacy-handshake',
  'handshake',
  'The handshake: evidence per required attester and the nonce; a passing gate opens the session and releases the first DEK',
  z.strictObject({
    nonce: Nonce,
    evidence: EvidenceIn,
    /** The sidecar's ECDSA P-256 key for its job certificate: SPKI DER and a signature over "vracu job certificate\n<jobId>\n<nonce>", base64. */
    tlsKey: z.strictObject({ publicKey: z.base64().max(512), proof: z.base64().max(512) }).optional(),
  }),
  z.object({
    sessionId: z.string(),
    attestationHash: z.string(),
    step: z.literal(0),
    dek: z.string(),
    token: z.string(),
    rotation: Rotation,
    inputs: z.array(ReleasedInputOut).optional(),
    outputs: OutputGrantOut.optional(),
    /** The job certificate (SAN *.job.internal, until the job's deadline) and the platform CA's, PEM. */
    tls: z.object({ caCertificate: z.string(), certificate: z.string(), fingerprint: z.string(), notAfter: z.string() }).optional(),
  }),
);

export const dekRoute = sidecarRoute(
  'privacy-dek',
  'dek',
  "The next step's DEK: steps strictly increase; a cancelled or revoked session releases nothing",
  z.strictObject({ step: Step }),
  z.object({ sessionId: z.string(), step: z.number(), dek: z.string(), nextDueAt: z.string() }),
);

export const rotationRoute = sidecarRoute(
  'privacy-rotation',
  'rotation',
  'Acknowledges a rotation: the released step now in use and the certificate fingerprint',
  z.strictObject({
    step: z.number().int().min(0).max(1_000_000_000),
    certificateFingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<hex>'),
  }),
  z.object({ sessionId: z.string(), acknowledged: z.number() }),
);

const SessionOut = z.object({
  sessionId: z.string(),
  state: z.enum(['open', 'cancelled', 'closed']),
  attestationHash: z.string(),
  broker: z.string(),
  lastStep: z.number(),
  acknowledgedStep: z.number().optional(),
  certificateFingerprint: z.string().optional(),
  openedAt: z.string(),
  endedAt: z.string().optional(),
  cancelReason: z.string().optional(),
});
const ReleaseOut = z.object({ jobId: z.string(), sessionId: z.string(), step: z.number(), attestationHash: z.string(), broker: z.string(), at: z.string() });

export const privacyGetRoute = defineRoute({
  id: 'privacy-get',
  method: 'GET',
  path: '/v1/jobs/{id}/privacy',
  access: 'buyer',
  summary: "A job's privacy: required attesters, verified claims, attestation hash, session and key-release log (never key material)",
  entry: 'functions/privacy/handlers/privacy-get.ts',
  tags: ['privacy'],
  request: { params: JobIdParams },
  response: {
    status: 200,
    body: z.object({
      jobId: z.string(),
      status: z.enum(JOB_STATUSES),
      tier: z.enum(['ephemeral-container', 'attested']),
      requiredAttesters: z.array(z.enum(ATTESTER_NAMES)),
      claims: z.record(z.string(), z.unknown()).nullable(),
      attestationHash: z.string().nullable(),
      session: SessionOut.nullable(),
      releases: z.array(ReleaseOut),
    }),
  },
});

const RevocationOut = z.object({ kind: z.enum(REVOCATION_KINDS), value: z.string(), reason: z.string(), revokedAt: z.string(), by: z.string() });

export const revokeRoute = defineRoute({
  id: 'revocations-create',
  method: 'POST',
  path: '/v1/revocations',
  access: 'admin',
  summary: 'Revoke an attestation hash, a session or a provider: affected sessions are cancelled and their jobs aborted at once',
  entry: 'functions/privacy/handlers/revocations-create.ts',
  tags: ['privacy'],
  request: {
    body: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('attestation_hash'),
        value: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<hex>'),
        reason: z.string().min(1).max(500),
      }),
      z.strictObject({ kind: z.literal('session'), value: z.string().regex(idPattern('ses'), 'must be a session id'), reason: z.string().min(1).max(500) }),
      z.strictObject({ kind: z.literal('provider'), value: z.string().min(1).max(128), reason: z.string().min(1).max(500) }),
    ]),
  },
  response: {
    status: 201,
    body: z.object({ revocation: RevocationOut, created: z.boolean(), cancelledSessions: z.array(z.string()), abortedJobs: z.array(z.string()) }),
  },
});

export const privacyRoutes = [nonceRoute, handshakeRoute, dekRoute, rotationRoute, privacyGetRoute, revokeRoute];
