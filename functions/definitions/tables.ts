/**
 * DynamoDB tables: the one definition read by CDK (lib/) and the local stack (local/).
 * Every table uses generic string keys (pk, sk) and two overloaded GSIs so that each
 * bounded context can shape its own items; `ttl` (epoch seconds) expires records.
 */
export interface GsiDef {
  name: string;
  pk: string;
  sk: string;
}

export interface TableDef {
  /** Logical id; the physical name is `${prefix}-${id}`. */
  id: string;
  description: string;
  pk: string;
  sk: string;
  gsis: GsiDef[];
  /** Attribute holding an epoch-seconds expiry, if the table expires items. */
  ttl?: string;
  /** Holds money or proofs: never deleted with the stack, PITR on everywhere. */
  critical: boolean;
  /**
   * Partition-key prefixes whose items are written once and never changed: IAM denies every
   * function UpdateItem and DeleteItem on them. Put stays allowed (creating them), guarded
   * in code by `attribute_not_exists(pk)`; IAM cannot demand that condition.
   */
  writeOnce?: readonly string[];
  /** No function deletes from this table (TTL still expires items): DeleteItem and BatchWriteItem are denied. */
  noDeletes?: boolean;
}

const GSI1: GsiDef = { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' };
const GSI2: GsiDef = { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' };

export const TABLES = {
  auth: { id: 'auth', description: 'API keys (SHA-256 hashes only) and principals', pk: 'pk', sk: 'sk', gsis: [GSI1], critical: true },
  ledger: {
    id: 'ledger',
    description: 'Ledger account shards, immutable entries, transfer and idempotency records',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1],
    ttl: 'ttl',
    critical: true,
    // Transfers and their entries (functions/ledger/store/keys.ts) are immutable.
    writeOnce: ['XFER#'],
    noDeletes: true,
  },
  market: {
    id: 'market',
    description: 'Providers, stats, quotes, RCs, listings, trades, job allocations',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1, GSI2],
    ttl: 'ttl',
    critical: true,
  },
  jobs: {
    id: 'jobs',
    description: 'Jobs, agents, attestations, the pool queue',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1, GSI2],
    ttl: 'ttl',
    critical: true,
  },
  providers: {
    id: 'providers',
    description: 'Provider directory: join tokens (hashes only), providers, node keys, heartbeats, job bills',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1, GSI2],
    ttl: 'ttl',
    critical: true,
  },
  controlplane: {
    id: 'controlplane',
    description: 'Control plane: supply offers and demand per bucket, scheduler units and reservations, receipts, the key transparency log, governance',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1],
    ttl: 'ttl',
    critical: true,
    // Receipts, metered slices and transparency-log items are written once (functions/control-plane/store/keys.ts).
    writeOnce: ['RECEIPT#', 'SLICE#', 'TLOG#', 'GOVEXEC#'],
  },
  privacy: {
    id: 'privacy',
    description: 'Attestation collateral cache (VCEKs, CRLs, TCB info, RIMs)',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1],
    ttl: 'ttl',
    critical: false,
  },
  payments: {
    id: 'payments',
    description:
      'Stripe payments and their credits, webhook event receipts, provider payouts; on-chain sends not yet reconciled (gsi2), the reconciliation checkpoint',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1, GSI2],
    critical: true,
    noDeletes: true,
  },
  sessions: {
    id: 'sessions',
    description: 'Key-release sessions (by job: gsi1; by attestation hash: gsi2), the key-release log, single-use handshake nonces',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1, GSI2],
    ttl: 'ttl',
    // The release log is the proof of what was released when: never changed.
    critical: true,
    writeOnce: ['RELEASE#'],
  },
  revocations: {
    id: 'revocations',
    description: 'The revocation registry: revoked attestation hashes, sessions and providers',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1],
    critical: true,
    // A revocation is permanent.
    noDeletes: true,
  },
  artifacts: {
    id: 'artifacts',
    description: 'Artifacts (sealed job inputs and outputs: records, wrapped keys, Merkle roots), buyer encryption keys, key releases',
    pk: 'pk',
    sk: 'sk',
    gsis: [GSI1],
    ttl: 'ttl',
    critical: true,
  },
} as const satisfies Record<string, TableDef>;

export type TableId = keyof typeof TABLES;

export const tableName = (prefix: string, id: TableId): string => `${prefix}-${id}`;

/** Environment variable through which a function learns a table's physical name. */
export const tableEnv = (id: TableId): string => `VRACU_TABLE_${id.toUpperCase()}`;
