/**
 * What each function may touch, by bounded context (the `functions/<context>/` folder of
 * its entry), narrowed per function where a context's functions differ. The stacks turn
 * this into IAM statements naming exact tables, indexes, queues, the bus and the job
 * cluster; nothing gets a wildcard grant.
 *
 * A function in a context missing here fails the synth: decide its access, add a line.
 */
import type { TableId } from '../functions/definitions/tables.ts';
import type { QueueId } from '../functions/definitions/queues.ts';
import type { PaymentsNeed } from '../functions/definitions/environment.ts';
import type { ArtifactKind } from '../functions/artifacts/domain/artifact.ts';
import { contextOf, type LambdaDef } from './lambdas.ts';

/** `read`: get, query, scan, condition checks. `write`: read plus put, update, delete. */
export type TableAccess = 'read' | 'write';

/**
 * What a function does with the objects of one prefix of the artifacts bucket: `upload` and
 * `download` sign presigned PUTs (or start a multipart upload and sign its parts) and GETs (a
 * presigned request carries the signer's rights, so the signer holds them: s3:PutObject,
 * s3:GetObject, and the bucket key through S3); `complete` assembles a multipart upload
 * (s3:PutObject); `check` HEADs an object (s3:GetObject, and s3:ListBucket so a missing object
 * is a 404, not a 403); `delete` removes one.
 */
export type ObjectUse = 'upload' | 'complete' | 'download' | 'check' | 'delete';
/** The encryption contexts of wrapped file keys (functions/artifacts/domain/artifact.ts): an input's owner context, a release's. */
export type KeyContextKind = 'input' | 'release';

/** A function's use of the artifacts bucket and the file-key wrapping key (lib/constructs/artifacts-bucket.ts). */
export interface ArtifactsAccess {
  /** By object prefix (`inputs/`, `outputs/`). */
  objects?: Partial<Record<ArtifactKind, readonly ObjectUse[]>>;
  /** KMS Encrypt of file keys, only under these contexts. */
  wrap?: readonly KeyContextKind[];
  /** KMS Decrypt of wrapped file keys, only under these contexts. */
  unwrap?: readonly KeyContextKind[];
}

export interface FunctionAccess {
  tables: Partial<Record<TableId, TableAccess>>;
  /** Queues it may send to (`all`: every queue in QUEUES). */
  sendTo: readonly QueueId[] | 'all';
  /** May put events on the stage's domain event bus. */
  publishEvents: boolean;
  /** May run, describe and stop job containers (tasks of the job task definition). */
  runJobs: boolean;
  /** May generate attested jobs' data keys (GenerateDataKey on the stage's job data key, bound to the job's context). */
  releaseKeys?: boolean;
  /** May create SSM hybrid activations for joining machines (ECS Anywhere) with the external instance role. */
  activateNodes?: boolean;
  /** The payments settings it cannot run without: their names in its environment, read access to their secrets (lib/constructs/payments-secrets.ts). */
  payments?: readonly PaymentsNeed[];
  /**
   * Composes the artifacts context: the bucket's name and the wrapping key's ARN in its
   * environment (VRACU_ARTIFACTS_*), and only the object and key uses listed.
   */
  artifacts?: ArtifactsAccess;
}

const NONE: FunctionAccess = { tables: {}, sendTo: [], publishEvents: false, runJobs: false };

/**
 * Defaults per bounded context: only what its code uses. A context gets its row when its
 * first function lands (with the grants that function's code needs, and no more).
 */
export const CONTEXT_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  platform: { ...NONE, tables: { auth: 'write' } },
  /** The ledger writes its own table only; it sends and publishes nothing. */
  ledger: { ...NONE, tables: { ledger: 'write' } },
  /** Market money moves through the ledger (one transaction over both tables). */
  market: { ...NONE, tables: { market: 'write', ledger: 'write', controlplane: 'read' } },
  /** Jobs: their table, the step queue, job events, and the job containers. */
  jobs: { tables: { jobs: 'write' }, sendTo: ['jobSteps'], publishEvents: true, runJobs: true },
  /** Providers: the directory, and the market catalog entry its heartbeats and offline sweep relist. */
  providers: { ...NONE, tables: { providers: 'write', market: 'write' } },
  /** Payments: their table, the ledger (credits, refunds, payout holds in one transaction), the webhook and payout queues. */
  payments: { ...NONE, tables: { payments: 'write', ledger: 'write' }, sendTo: ['stripeEvents', 'payouts'] },
  /**
   * Privacy: its sessions and revocations, and an attested job's lifecycle through the jobs
   * context (confirming it, or aborting it and stopping its container on a failed gate or a
   * revocation: the jobs table, the step queue, job events, the job containers).
   */
  privacy: { tables: { sessions: 'write', revocations: 'write', jobs: 'write' }, sendTo: ['jobSteps'], publishEvents: true, runJobs: true, releaseKeys: true },
  /** The control plane: its own table only (oracle, scheduler, receipts, transparency log, governance). */
  'control-plane': { ...NONE, tables: { controlplane: 'write' } },
  /**
   * Artifacts: their table, jobs read (whose job an artifact belongs to), and the bucket's
   * environment with no object or key use; the functions that use them are narrowed below.
   */
  artifacts: { ...NONE, tables: { artifacts: 'write', jobs: 'read' }, artifacts: {} },
};

/** Artifacts functions: the context's grants and these object and key uses. */
const artifacts = (use: ArtifactsAccess, tables: FunctionAccess['tables'] = CONTEXT_ACCESS.artifacts!.tables): FunctionAccess => ({
  ...CONTEXT_ACCESS.artifacts!,
  tables,
  artifacts: use,
});
/** The sidecar's routes also write the job: its outputs, or the artifact failure that ends it (jobs' recordJobOutputs, recordSidecarFailure). */
const SIDECAR_TABLES: FunctionAccess['tables'] = { artifacts: 'write', jobs: 'write' };
/** Releasing a job's inputs and granting its output slots (releaseInputs, outputSlots): the sidecar session, the privacy handshake. */
/** Inputs released to a job: unwrapped, re-wrapped to the release, presigned GETs (output slots are ids only). */
const RELEASE: ArtifactsAccess = { objects: { input: ['download'] }, unwrap: ['input'], wrap: ['release'] };

/** Payments functions: the context's grants, and each the secrets its code uses (the chain only where the environment has one). */
const payments = (...needs: PaymentsNeed[]): FunctionAccess => ({ ...CONTEXT_ACCESS.payments!, payments: needs });

/** Per-function narrowing, by function id (see lib/lambdas.ts). */
/**
 * Jobs functions that dispatch (place a job on a provider) or end jobs: the RCs (burn-down order), the
 * directory's units (held at placement, given back at the end), the revocation registry (a revoked
 * provider gets no new job), and the scheduler (a spot job's unit, its guards on the buyer's ledger).
 */
const JOBS_PLACING: FunctionAccess = {
  // The scheduler's units and reservations (controlplane) and the buyer's ledger position for its guards.
  tables: { jobs: 'write', providers: 'write', market: 'read', revocations: 'read', controlplane: 'write', ledger: 'read' },
  sendTo: ['jobSteps'],
  publishEvents: true,
  runJobs: true,
};

export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  health: NONE,
  openapi: NONE,
  /** Reads the principal from the authorizer context, not from the table. */
  whoami: NONE,
  authorizer: { ...NONE, tables: { auth: 'read' } },
  /** Answers unmatched requests from the route table alone. */
  fallback: NONE,
  /** A join writes the principal's key, the ledger account and the catalog entry with the directory entry (one transaction), and gives the machine its ECS Anywhere activation. */
  'providers-join': { ...NONE, tables: { providers: 'write', auth: 'write', ledger: 'write', market: 'write' }, activateNodes: true },
  /** The directory alone. */
  'providers-join-token-create': { ...NONE, tables: { providers: 'write' } },
  /** The directory, and the node key appended to the key transparency log (the control plane's table). */
  'providers-join-verify': { ...NONE, tables: { providers: 'write', controlplane: 'write' } },
  'providers-get': { ...NONE, tables: { providers: 'read' } },
  'providers-list': { ...NONE, tables: { providers: 'read' } },
  'providers-patch': { ...NONE, tables: { providers: 'write' } },
  /** A heartbeat relists the catalog entry and puts the provider's supply offer in the oracle (one transaction). */
  'providers-heartbeat': { ...NONE, tables: { providers: 'write', market: 'write', controlplane: 'write' } },
  /** A metering slice: the provider's node key read from the directory to check its signature. */
  'metering-slice': { ...NONE, tables: { controlplane: 'write', providers: 'read' } },
  /** An agent registered by proof of key possession; its identity key appended to the key transparency log. */
  'agents-register': { ...NONE, tables: { jobs: 'write', controlplane: 'write' } },
  'job-steps-consumer': JOBS_PLACING,
  'task-events-consumer': JOBS_PLACING,
  'job-timeouts-schedule': JOBS_PLACING,
  'jobs-cancel': JOBS_PLACING,
  /**
   * Bills ended jobs through the market's coverage: one ledger transaction per job (the settlement), the bill on the
   * job, its signed receipt (the control plane's table: slices read, the receipt written once); gives back the units an
   * ended job still held (the directory) and asks the pool to dispatch.
   */
  'job-billing-consumer': {
    ...NONE,
    tables: { jobs: 'write', market: 'write', ledger: 'write', controlplane: 'write', providers: 'write' },
    sendTo: ['jobSteps'],
  },
  /** Creates the Checkout Session through Stripe's API. */
  'payments-checkout': payments('stripeKey'),
  /** Verifies the signature; calls no API. */
  'payments-stripe-webhook': payments('webhookSecret'),
  /** Mints, then converts on chain. */
  'stripe-events-consumer': payments('chain'),
  /** Pays through Stripe Connect or on chain. */
  'payouts-consumer': payments('stripeKey', 'chain'),
  /** Offers the chain rail only when a wallet is configured. */
  'payments-payout-request': payments('chain'),
  'payments-reconcile': payments('chain'),
  'payments-reconcile-schedule': payments('chain'),
  /** Wraps the buyer's file key under the owner's context; presigns the input's PUT. */
  'artifacts-create': artifacts({ objects: { input: ['upload'] }, wrap: ['input'] }),
  /** Presigns parts of an input's pending multipart upload again. */
  'artifacts-parts': artifacts({ objects: { input: ['upload'] } }),
  /** Assembles a multipart upload; checks the uploaded object's size. */
  'artifacts-complete': artifacts({ objects: { input: ['complete', 'check'] } }),
  /** Lists the caller's inputs (the artifacts table only). */
  'artifacts-list': artifacts({}, { artifacts: 'read', jobs: 'read' }),
  /** Marks an input deleted (its wrapped key removed) and deletes its object. */
  'artifacts-delete': artifacts({ objects: { input: ['delete'] } }),
  /** Presigns the GET of a job's input or output. */
  'artifacts-job-get': artifacts({ objects: { input: ['download'], output: ['download'] } }),
  /** A plain job's inputs and its output slots. */
  'artifacts-sidecar-session': artifacts(RELEASE, SIDECAR_TABLES),
  /** Presigns one output's upload (PUT, or a multipart upload and its parts); reads the job and the artifact record. */
  'artifacts-sidecar-upload': artifacts({ objects: { output: ['upload'] } }, { artifacts: 'read', jobs: 'read' }),
  /** Assembles multipart outputs, checks each reported output's object, deletes them all when over a limit. */
  'artifacts-sidecar-report': artifacts({ objects: { output: ['complete', 'check', 'delete'] } }, SIDECAR_TABLES),
  /** An attested job's inputs and output slots come with its handshake: the artifacts table (releases, the buyer's key) and the bucket. */
  'privacy-handshake': {
    ...CONTEXT_ACCESS.privacy!,
    tables: { ...CONTEXT_ACCESS.privacy!.tables, artifacts: 'write' },
    artifacts: RELEASE,
  },
};

export function accessFor(def: LambdaDef): FunctionAccess {
  const own = FUNCTION_ACCESS[def.id];
  if (own) return own;
  const ctx = contextOf(def.entry);
  const access = CONTEXT_ACCESS[ctx];
  if (!access) {
    throw new Error(
      `function "${def.id}" (${def.entry}) is in bounded context "${ctx}", which has no access policy: add it to CONTEXT_ACCESS in lib/access.ts`,
    );
  }
  return access;
}
