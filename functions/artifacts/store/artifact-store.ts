/**
 * The artifacts table: artifact records (ART#), buyers' encryption keys (EKEY#), key releases
 * (REL#<job>) and each job's output grant (GRANT#<job>: its slots and its one report). Every
 * state change is a conditional write. Outputs are indexed by job on gsi1 (JOB#<job>, name),
 * inputs by tenant (INPUTS#<tenant>, createdAt#id: newest first).
 */
import { wrote } from '../../platform/dynamo/conditional.ts';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { gsi1Page, queryAll } from '../../platform/dynamo/query.ts';
import { recordTtlSec, type Artifact, type ArtifactKind, type ArtifactState } from '../domain/artifact.ts';

const artKey = (artifactId: string) => ({ pk: `ART#${artifactId}`, sk: 'ART' });
const ekeyKey = (tenant: string) => ({ pk: `EKEY#${tenant}`, sk: 'EKEY' });
const relKey = (jobId: string, artifactId: string) => ({ pk: `REL#${jobId}`, sk: artifactId });
const grantKey = (jobId: string) => ({ pk: `GRANT#${jobId}`, sk: 'GRANT' });
const failed = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

function toItem(a: Artifact): Record<string, unknown> {
  return {
    ...artKey(a.artifactId),
    ...a,
    ...(a.kind === 'output' && a.jobId ? { gsi1pk: `JOB#${a.jobId}`, gsi1sk: a.name } : {}),
    ...(a.kind === 'input' ? { gsi1pk: `INPUTS#${a.tenant}`, gsi1sk: `${a.createdAt}#${a.artifactId}` } : {}),
    ...(a.expiresAt ? { ttl: recordTtlSec(Date.parse(a.expiresAt)) } : {}),
  };
}

function fromItem(i: Record<string, unknown>): Artifact {
  const opt = (k: string) => (typeof i[k] === 'string' ? { [k]: i[k] as string } : {});
  return {
    artifactId: i.artifactId as string,
    kind: i.kind as ArtifactKind,
    tenant: i.tenant as string,
    ownerId: i.ownerId as string,
    name: i.name as string,
    size: Number(big(i.size)),
    merkleRoot: i.merkleRoot as string,
    state: i.state as ArtifactState,
    objectKey: i.objectKey as string,
    createdAt: i.createdAt as string,
    ...opt('uploadedAt'),
    ...opt('wrappedKey'),
    ...opt('uploadId'),
    ...opt('jobId'),
    ...opt('sealedKey'),
    ...opt('expiresAt'),
    ...opt('deletedAt'),
  };
}

/** False when an output of that name already exists for the job, or the id is taken. */
export async function putArtifact(s: StoreCtx, a: Artifact): Promise<boolean> {
  return wrote(s.doc.send(new PutCommand({ TableName: s.table, Item: toItem(a), ConditionExpression: 'attribute_not_exists(pk)' })));
}

export async function getArtifact(s: StoreCtx, artifactId: string): Promise<Artifact | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: artKey(artifactId), ConsistentRead: true }));
  return out.Item ? fromItem(out.Item) : null;
}

/** pending → uploaded; null when it was not pending (already completed). */
export async function markUploaded(s: StoreCtx, artifactId: string, at: string): Promise<Artifact | null> {
  try {
    const out = await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: artKey(artifactId),
        UpdateExpression: 'SET #state = :up, uploadedAt = :at',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':up': 'uploaded', ':pending': 'pending', ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(out.Attributes!);
  } catch (e) {
    if (failed(e)) return null;
    throw e;
  }
}

/** A job's output slots as granted to its sidecar, and the report that used them, if any. */
export interface StoredGrant {
  jobId: string;
  slots: string[];
  /** The set of ids the job's one report named (outputReportKey), once reported. */
  reportKey?: string;
}

const grantOf = (i: Record<string, unknown>): StoredGrant => ({
  jobId: i.jobId as string,
  slots: i.slots as string[],
  ...(typeof i.reportKey === 'string' ? { reportKey: i.reportKey } : {}),
});

/**
 * Records a job's output slots; the first grant stays, so a handshake made again gets the same
 * ids back (the answer is the stored grant). `ttlSec`: when DynamoDB's TTL may remove it.
 */
export async function putOutputGrant(s: StoreCtx, g: { jobId: string; slots: string[]; createdAt: string; ttlSec: number }): Promise<StoredGrant> {
  const item = { ...grantKey(g.jobId), jobId: g.jobId, slots: g.slots, createdAt: g.createdAt, ttl: g.ttlSec };
  if (await wrote(s.doc.send(new PutCommand({ TableName: s.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })))) return grantOf(item);
  return (await getOutputGrant(s, g.jobId))!;
}

export async function getOutputGrant(s: StoreCtx, jobId: string): Promise<StoredGrant | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: grantKey(jobId), ConsistentRead: true }));
  return out.Item ? grantOf(out.Item) : null;
}

/** Claims the job's one report for this set of ids; false when a report naming another set came first. */
export async function claimOutputReport(s: StoreCtx, jobId: string, reportKey: string, at: string): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: grantKey(jobId),
        UpdateExpression: 'SET reportKey = if_not_exists(reportKey, :k), reportedAt = if_not_exists(reportedAt, :at)',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(reportKey) OR reportKey = :k)',
        ExpressionAttributeValues: { ':k': reportKey, ':at': at },
      }),
    ),
  );
}

/** A tenant's inputs, newest first, a page at a time (`cursor`: the `next` of the page before). */
export async function tenantInputs(s: StoreCtx, tenant: string, limit: number, cursor?: string): Promise<{ artifacts: Artifact[]; next?: string }> {
  const page = await gsi1Page(s, `INPUTS#${tenant}`, { pkPrefix: 'ART#', sk: 'ART' }, limit, cursor);
  return { artifacts: page.items.map(fromItem), ...(page.next ? { next: page.next } : {}) };
}

/**
 * An input → deleted: its wrapped file key is removed with the state change (without it the
 * ciphertext can never be opened again), and DynamoDB's TTL removes the record later. Null when
 * it was deleted already.
 */
export async function markInputDeleted(s: StoreCtx, artifactId: string, at: string, ttlSec: number): Promise<Artifact | null> {
  try {
    const out = await s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: artKey(artifactId),
        UpdateExpression: 'SET #state = :deleted, deletedAt = :at, #ttl = :ttl REMOVE wrappedKey, uploadId',
        ConditionExpression: '#kind = :input AND #state <> :deleted',
        ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl', '#kind': 'kind' },
        ExpressionAttributeValues: { ':deleted': 'deleted', ':input': 'input', ':at': at, ':ttl': ttlSec },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(out.Attributes!);
  } catch (e) {
    if (failed(e)) return null;
    throw e;
  }
}

export async function jobOutputs(s: StoreCtx, jobId: string): Promise<Artifact[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `JOB#${jobId}` },
  });
  return items.map(fromItem);
}

export interface EncryptionKey {
  tenant: string;
  publicKey: string;
  registeredAt: string;
}

/** Registers (or replaces) a tenant's X25519 public key; outputs already sealed keep the key they were sealed to. */
export async function putEncryptionKey(s: StoreCtx, k: EncryptionKey): Promise<void> {
  await s.doc.send(new PutCommand({ TableName: s.table, Item: { ...ekeyKey(k.tenant), ...k } }));
}

export async function getEncryptionKey(s: StoreCtx, tenant: string): Promise<EncryptionKey | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: ekeyKey(tenant), ConsistentRead: true }));
  return out.Item ? { tenant: out.Item.tenant as string, publicKey: out.Item.publicKey as string, registeredAt: out.Item.registeredAt as string } : null;
}

export interface Release {
  jobId: string;
  artifactId: string;
  attestationHash: string;
  /** The file key re-wrapped under the release context (job and attestation), base64: the audit copy. */
  releasedKey: string;
  releasedAt: string;
}

/**
 * Records a release once per job input. The same attestation may ask again (a retried
 * handshake): true. Another attestation for the same job: false (a job is attested once).
 */
export async function putRelease(s: StoreCtx, r: Release): Promise<boolean> {
  return wrote(
    s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: { ...relKey(r.jobId, r.artifactId), ...r },
        ConditionExpression: 'attribute_not_exists(pk) OR attestationHash = :h',
        ExpressionAttributeValues: { ':h': r.attestationHash },
      }),
    ),
  );
}
