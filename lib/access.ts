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

/** Defaults per bounded context. */
export const CONTEXT_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  platform: { ...NONE, tables: { auth: 'write' } },
  ledger: { ...NONE, tables: { ledger: 'write' }, sendTo: 'all', publishEvents: true },
  market: { tables: { market: 'write', ledger: 'write', jobs: 'read' }, sendTo: 'all', publishEvents: true, runJobs: false },
  jobs: { tables: { jobs: 'write', market: 'write', ledger: 'write' }, sendTo: 'all', publishEvents: true, runJobs: true },
  privacy: { tables: { jobs: 'write', auth: 'read' }, sendTo: 'all', publishEvents: true, runJobs: false },
  payments: { tables: { ledger: 'write', auth: 'read' }, sendTo: 'all', publishEvents: true, runJobs: false },
  'control-plane': { tables: { jobs: 'write', market: 'write' }, sendTo: 'all', publishEvents: true, runJobs: true },
  providers: { tables: { market: 'write', auth: 'read' }, sendTo: 'all', publishEvents: true, runJobs: false },
};

/** Per-function narrowing, by function id (see lib/lambdas.ts). */
export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  health: NONE,
  openapi: NONE,
  /** Reads the principal from the authorizer context, not from the table. */
  whoami: NONE,
  authorizer: { ...NONE, tables: { auth: 'read' } },
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
