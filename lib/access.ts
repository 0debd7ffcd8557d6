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
import { contextOf, type LambdaDef } from './lambdas.ts';

/** `read`: get, query, scan, condition checks. `write`: read plus put, update, delete. */
export type TableAccess = 'read' | 'write';

export interface FunctionAccess {
  tables: Partial<Record<TableId, TableAccess>>;
  /** Queues it may send to (`all`: every queue in QUEUES). */
  sendTo: readonly QueueId[] | 'all';
  /** May put events on the stage's domain event bus. */
  publishEvents: boolean;
  /** May run, describe and stop job containers (tasks of the job task definition). */
  runJobs: boolean;
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
  market: { ...NONE, tables: { market: 'write', ledger: 'write' } },
  /** Jobs: their table, the step queue, job events, and the job containers. */
  jobs: { tables: { jobs: 'write' }, sendTo: ['jobSteps'], publishEvents: true, runJobs: true },
  /** Artifacts: their table, and jobs read (whose job an artifact belongs to). S3 and KMS grants: lib/constructs/artifacts-bucket.ts. */
  artifacts: { ...NONE, tables: { artifacts: 'write', jobs: 'read' } },
};

/** Per-function narrowing, by function id (see lib/lambdas.ts). */
export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  health: NONE,
  openapi: NONE,
  /** Reads the principal from the authorizer context, not from the table. */
  whoami: NONE,
  authorizer: { ...NONE, tables: { auth: 'read' } },
  /** Answers unmatched requests from the route table alone. */
  fallback: NONE,
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
