/** Artifacts routes: sealed inputs (create, complete), a job's artifacts, Merkle proof checks, the buyer's encryption key. */
import * as z from 'zod';
import { PageQuery } from '../platform/http/query.ts';
import { defineRoute } from '../platform/http/route.ts';
import { idPattern } from '../platform/ids.ts';
import { ARTIFACT_NAME, SHOWN_STATES } from './domain/artifact.ts';

const hex = (bytes: number, what: string) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes * 2} lowercase hex digits (${what})`);
const ArtifactId = z.string().regex(idPattern('art'), 'must be an artifact id (art_ + 26 characters)');
const JobId = z.string().regex(idPattern('job'), 'must be a job id (job_ + 26 characters)');

export const ArtifactOut = z.object({
  artifactId: z.string(),
  kind: z.enum(['input', 'output']),
  name: z.string(),
  /** Sealed bytes. */
  size: z.number(),
  merkleRoot: z.string(),
  /** `expired`: an output past its retention; its download is 410. */
  state: z.enum(SHOWN_STATES),
  createdAt: z.string(),
  uploadedAt: z.string().optional(),
  jobId: z.string().optional(),
  /** Outputs: when the bucket deletes the object. */
  expiresAt: z.string().optional(),
  /** Inputs: when the owner deleted it. */
  deletedAt: z.string().optional(),
});
const Presigned = z.object({ url: z.string(), method: z.enum(['PUT', 'GET']), headers: z.record(z.string(), z.string()), expiresAt: z.string() });
/** One PUT, or over the part size a multipart upload with every part presigned (platform/http/presigned-upload.ts). */
const PartOut = Presigned.extend({ partNumber: z.number() });
const UploadOut = z.discriminatedUnion('method', [
  Presigned.extend({ method: z.literal('PUT') }),
  z.object({
    method: z.literal('MULTIPART'),
    uploadId: z.string(),
    partBytes: z.number(),
    parts: z.array(PartOut),
    expiresAt: z.string(),
  }),
]);
/** The ETags S3 answered for each part of a multipart upload, in part order. */
const PartsIn = z
  .array(z.strictObject({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
  .min(1)
  .max(10_000);

const CreateBody = z.strictObject({
  name: z.string().regex(ARTIFACT_NAME, 'one path segment: letters, digits, dot, dash, underscore (at most 128)'),
  /** The sealed file's size in bytes (platform/crypto/sealed-file.ts). */
  size: z.number().int().min(32),
  merkleRoot: hex(32, 'SHA-256 Merkle root of the sealed records'),
  /** The file key, base64 of 32 bytes: wrapped at once under the buyer's context, never stored. */
  fileKey: z.base64().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes'),
});

export const createArtifactRoute = defineRoute({
  id: 'artifacts-create',
  method: 'POST',
  path: '/v1/artifacts',
  access: 'buyer',
  summary:
    'Register a sealed input and get a presigned upload for its ciphertext: one PUT, or parts over the part size (the file key is wrapped by KMS, bound to the buyer)',
  entry: 'functions/artifacts/handlers/artifacts-create.ts',
  tags: ['artifacts'],
  request: { body: CreateBody },
  response: { status: 201, body: z.object({ artifact: ArtifactOut, upload: UploadOut }) },
});

export const completeArtifactRoute = defineRoute({
  id: 'artifacts-complete',
  method: 'POST',
  path: '/v1/artifacts/{aid}/complete',
  access: 'buyer',
  summary: 'Mark an input uploaded once its object is there with the declared size (a multipart upload is assembled first from its parts)',
  entry: 'functions/artifacts/handlers/artifacts-complete.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ aid: ArtifactId }), body: z.strictObject({ parts: PartsIn.optional() }) },
  response: { status: 200, body: ArtifactOut },
});

export const resignPartsRoute = defineRoute({
  id: 'artifacts-parts',
  method: 'POST',
  path: '/v1/artifacts/{aid}/parts',
  access: 'buyer',
  summary: "New presigned URLs for parts of an input's multipart upload still pending (the same upload and part lengths; the CLI asks before a URL expires)",
  entry: 'functions/artifacts/handlers/artifacts-parts.ts',
  tags: ['artifacts'],
  request: {
    params: z.strictObject({ aid: ArtifactId }),
    body: z.strictObject({
      partNumbers: z
        .array(z.number().int().min(1).max(10_000))
        .min(1)
        .max(1000)
        .refine((xs) => new Set(xs).size === xs.length, 'part numbers must be distinct'),
    }),
  },
  response: { status: 200, body: z.object({ parts: z.array(PartOut) }) },
});

export const listArtifactsRoute = defineRoute({
  id: 'artifacts-list',
  method: 'GET',
  path: '/v1/artifacts',
  access: 'buyer',
  summary: "The caller's inputs, newest first (a deleted one is listed as `deleted` for 30 days)",
  entry: 'functions/artifacts/handlers/artifacts-list.ts',
  tags: ['artifacts'],
  request: { query: PageQuery },
  response: { status: 200, body: z.object({ artifacts: z.array(ArtifactOut), next: z.string().optional() }) },
});

export const deleteArtifactRoute = defineRoute({
  id: 'artifacts-delete',
  method: 'DELETE',
  path: '/v1/artifacts/{aid}',
  access: 'buyer',
  summary: 'Delete one of your inputs: its wrapped file key and its object (a job that names it afterwards fails input_not_available)',
  entry: 'functions/artifacts/handlers/artifacts-delete.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ aid: ArtifactId }) },
  response: { status: 200, body: ArtifactOut },
});

export const jobArtifactsRoute = defineRoute({
  id: 'artifacts-job-list',
  method: 'GET',
  path: '/v1/jobs/{id}/artifacts',
  access: 'buyer',
  summary: "A job's inputs and outputs: name, sealed size, Merkle root, state",
  entry: 'functions/artifacts/handlers/artifacts-job-list.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ id: JobId }) },
  response: {
    status: 200,
    body: z.object({
      jobId: z.string(),
      artifacts: z.array(z.object({ name: z.string(), kind: z.enum(['input', 'output']), artifactId: z.string(), artifact: ArtifactOut.nullable() })),
    }),
  },
});

export const jobArtifactRoute = defineRoute({
  id: 'artifacts-job-get',
  method: 'GET',
  path: '/v1/jobs/{id}/artifacts/{aid}',
  access: 'buyer',
  summary: "One of a job's artifacts with a presigned GET of its ciphertext (and, for an output, its HPKE-sealed file key)",
  entry: 'functions/artifacts/handlers/artifacts-job-get.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ id: JobId, aid: ArtifactId }) },
  response: { status: 200, body: z.object({ artifact: ArtifactOut, download: Presigned, sealedKey: z.string().optional() }) },
});

const VerifyBody = z
  .strictObject({
    artifactId: ArtifactId.optional(),
    merkleRoot: hex(32, 'the root to check against').optional(),
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    /** SHA-256(0x00 ‖ record), hex. */
    leafHash: hex(32, 'leaf hash'),
    proof: z.array(hex(32, 'audit path node')).max(64),
  })
  .refine((v) => v.artifactId !== undefined || v.merkleRoot !== undefined, { message: 'give artifactId or merkleRoot', path: ['artifactId'] })
  .refine((v) => v.leafIndex < v.treeSize, { message: 'must be below treeSize', path: ['leafIndex'] });

export const verifyArtifactRoute = defineRoute({
  id: 'artifacts-verify',
  method: 'POST',
  path: '/v1/artifacts/verify',
  access: 'buyer',
  summary: "Check a Merkle inclusion proof for one chunk against an artifact's recorded root (or a given root)",
  entry: 'functions/artifacts/handlers/artifacts-verify.ts',
  tags: ['artifacts'],
  request: { body: VerifyBody },
  response: {
    status: 200,
    body: z.object({ valid: z.boolean(), merkleRoot: z.string(), checks: z.object({ rootMatchesRecord: z.boolean().nullable() }) }),
  },
});

export const encryptionKeyRoute = defineRoute({
  id: 'artifacts-encryption-key',
  method: 'PUT',
  path: '/v1/keys/encryption',
  access: 'buyer',
  summary: "Register the buyer's X25519 public key: job outputs are sealed to it (HPKE, RFC 9180)",
  entry: 'functions/artifacts/handlers/artifacts-encryption-key.ts',
  tags: ['artifacts'],
  request: { body: z.strictObject({ publicKey: hex(32, 'raw X25519 public key') }) },
  response: { status: 200, body: z.object({ publicKey: z.string(), registeredAt: z.string() }) },
});

export const OutputGrantOut = z.object({
  recipientPublicKey: z.string(),
  maxBytes: z.number(),
  maxTotalBytes: z.number(),
  /** Artifact ids for the outputs; each one's upload is asked for once its sealed size is known (the uploads route). */
  slots: z.array(z.object({ artifactId: z.string() })),
});
/** An input released to the job: its key (base64), size, root and a presigned GET. */
export const ReleasedInputOut = z.object({
  name: z.string(),
  artifactId: z.string(),
  size: z.number(),
  merkleRoot: z.string(),
  fileKey: z.string(),
  download: Presigned,
});

export const sidecarSessionRoute = defineRoute({
  id: 'artifacts-sidecar-session',
  method: 'POST',
  path: '/v1/jobs/{id}/artifacts/session',
  access: 'job',
  summary: "The sidecar's artifacts before the workload: a plain job's inputs (an attested job's come with its handshake) and the output slots",
  entry: 'functions/artifacts/handlers/artifacts-sidecar-session.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ id: JobId }), body: z.strictObject({}) },
  response: { status: 200, body: z.object({ inputs: z.array(ReleasedInputOut), outputs: OutputGrantOut.nullable() }) },
});

export const sidecarUploadRoute = defineRoute({
  id: 'artifacts-sidecar-upload',
  method: 'POST',
  path: '/v1/jobs/{id}/artifacts/uploads',
  access: 'job',
  summary: 'A presigned upload for one sealed output of the job, asked for once its size is known (one PUT, or parts over the part size)',
  entry: 'functions/artifacts/handlers/artifacts-sidecar-upload.ts',
  tags: ['artifacts'],
  request: { params: z.strictObject({ id: JobId }), body: z.strictObject({ artifactId: ArtifactId, size: z.number().int().min(32) }) },
  response: { status: 200, body: z.object({ upload: UploadOut }) },
});

const ReportedOutputIn = z.strictObject({
  artifactId: ArtifactId,
  name: z.string().regex(ARTIFACT_NAME, 'one path segment'),
  size: z.number().int().min(32),
  merkleRoot: hex(32, 'Merkle root of the sealed output'),
  sealedKey: z.base64().refine((s) => Buffer.from(s, 'base64').length === 80, 'must be the 80-byte HPKE-sealed key'),
  /** A multipart upload's id and parts: the exchange completes it before it records the output. */
  multipart: z.strictObject({ uploadId: z.string().min(1).max(1024), parts: PartsIn }).optional(),
});

export const sidecarReportRoute = defineRoute({
  id: 'artifacts-sidecar-report',
  method: 'POST',
  path: '/v1/jobs/{id}/artifacts/report',
  access: 'job',
  summary: "The sidecar's outputs after the workload (recorded and signed into the deletion attestation), or the artifact failure that ended its run",
  entry: 'functions/artifacts/handlers/artifacts-sidecar-report.ts',
  tags: ['artifacts'],
  request: {
    params: z.strictObject({ id: JobId }),
    body: z.union([
      z.strictObject({ outputs: z.array(ReportedOutputIn).max(100) }),
      z.strictObject({
        failure: z.strictObject({
          code: z.enum(['input_download_failed', 'input_tampered', 'input_root_mismatch', 'output_too_large', 'too_many_outputs', 'output_upload_failed']),
          detail: z.string().max(1000),
        }),
      }),
    ]),
  },
  response: { status: 200, body: z.object({ recorded: z.number(), failed: z.string().nullable() }) },
});

export const artifactsRoutes = [
  createArtifactRoute,
  completeArtifactRoute,
  resignPartsRoute,
  listArtifactsRoute,
  deleteArtifactRoute,
  jobArtifactsRoute,
  jobArtifactRoute,
  verifyArtifactRoute,
  encryptionKeyRoute,
  sidecarSessionRoute,
  sidecarUploadRoute,
  sidecarReportRoute,
] as const;
