/**
 * Sessions and the key-release log. Opening a session, and every release after it, is one
 * transaction: the session's conditional change (one per job; steps strictly increasing; only
 * while open) together with the write-once release line, so the log holds exactly the releases
 * that happened, and a refused step writes nothing.
 */
import { wrote } from '../../platform/dynamo/conditional.ts';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { queryAll } from '../../platform/dynamo/query.ts';
import { transactWrite, TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import type { FlatClaims } from '../domain/claims.ts';
import type { Release, Session } from '../domain/session.ts';
import { claimsKey, itemToRelease, itemToSession, jobSessionKey, providerSessionKey, releaseKey, releaseToItem, sessionKey, sessionToItem } from './items.ts';

/** Opens the job's one session with its first release (step 0) and the verified claims; false when the job already has one. */
export async function openSession(s: StoreCtx, session: Session, first: Release, claims: FlatClaims): Promise<boolean> {
  try {
    await transactWrite(s.doc, [
      {
        label: 'job',
        item: {
          Put: { TableName: s.table, Item: { ...jobSessionKey(session.jobId), sessionId: session.sessionId }, ConditionExpression: 'attribute_not_exists(pk)' },
        },
      },
      { label: 'session', item: { Put: { TableName: s.table, Item: sessionToItem(session), ConditionExpression: 'attribute_not_exists(pk)' } } },
      { label: 'release', item: { Put: { TableName: s.table, Item: releaseToItem(first), ConditionExpression: 'attribute_not_exists(pk)' } } },
      {
        label: 'claims',
        item: {
          Put: {
            TableName: s.table,
            Item: { ...claimsKey(session.jobId), claimsJson: JSON.stringify(claims), attestationHash: session.attestationHash },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      ...(session.providerId
        ? [
            {
              label: 'provider',
              item: { Put: { TableName: s.table, Item: { ...providerSessionKey(session.providerId, session.sessionId), sessionId: session.sessionId } } },
            },
          ]
        : []),
    ]);
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && (e.failed('job') || e.failed('session'))) return false;
    throw e;
  }
}

export async function getSession(s: StoreCtx, sessionId: string): Promise<Session | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: sessionKey(sessionId), ConsistentRead: true }));
  return out.Item ? itemToSession(out.Item) : null;
}

/** The job's session (there is at most one), read consistently through its guard item. */
export async function sessionOfJob(s: StoreCtx, jobId: string): Promise<Session | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: jobSessionKey(jobId), ConsistentRead: true }));
  return out.Item ? getSession(s, String(out.Item.sessionId)) : null;
}

export async function claimsOfJob(s: StoreCtx, jobId: string): Promise<FlatClaims | null> {
  const out = await s.doc.send(new GetCommand({ TableName: s.table, Key: claimsKey(jobId), ConsistentRead: true }));
  return typeof out.Item?.claimsJson === 'string' ? (JSON.parse(out.Item.claimsJson) as FlatClaims) : null;
}

/** Records the release of `release.step` if the session is open and its last step is below it; false otherwise (nothing written). */
export async function recordRelease(s: StoreCtx, release: Release): Promise<boolean> {
  try {
    await transactWrite(s.doc, [
      {
        label: 'session',
        item: {
          Update: {
            TableName: s.table,
            Key: sessionKey(release.sessionId),
            UpdateExpression: 'SET lastStep = :step',
            ConditionExpression: 'attribute_exists(pk) AND #st = :open AND lastStep < :step AND attestationHash = :hash',
            ExpressionAttributeNames: { '#st': 'state' },
            ExpressionAttributeValues: { ':step': release.step, ':open': 'open', ':hash': release.attestationHash },
          },
        },
      },
      { label: 'release', item: { Put: { TableName: s.table, Item: releaseToItem(release), ConditionExpression: 'attribute_not_exists(pk)' } } },
    ]);
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && (e.failed('session') || e.failed('release'))) return false;
    throw e;
  }
}

/** Records the acknowledgement of a released step (in order, once); false when the guard fails. */
export async function recordAck(s: StoreCtx, sessionId: string, step: number, fingerprint: string): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET ackedStep = :step, certificateFingerprint = :fp',
        ConditionExpression: 'attribute_exists(pk) AND #st = :open AND lastStep >= :step AND (attribute_not_exists(ackedStep) OR ackedStep < :step)',
        ExpressionAttributeNames: { '#st': 'state' },
        ExpressionAttributeValues: { ':step': step, ':fp': fingerprint, ':open': 'open' },
      }),
    ),
  );
}

/** Open → cancelled (a revocation) or closed (the job ended); false when it was no longer open. */
export async function endSession(s: StoreCtx, sessionId: string, to: 'cancelled' | 'closed', reason: string, atMs: number): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET #st = :to, cancelReason = :why, endedAtMs = :at',
        ConditionExpression: 'attribute_exists(pk) AND #st = :open',
        ExpressionAttributeNames: { '#st': 'state' },
        ExpressionAttributeValues: { ':to': to, ':why': reason, ':at': atMs, ':open': 'open' },
      }),
    ),
  );
}

/** The job's key-release log, oldest step first. */
export async function releasesOfJob(s: StoreCtx, jobId: string): Promise<Release[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': releaseKey(jobId, 0).pk },
    ConsistentRead: true,
  });
  return items.map(itemToRelease);
}

/** Every session bound to an attestation hash (gsi2). */
export async function sessionsOfHash(s: StoreCtx, attestationHash: string): Promise<Session[]> {
  const out = await s.doc.send(
    new QueryCommand({
      TableName: s.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `HASH#${attestationHash}` },
    }),
  );
  // The index is eventually consistent: read each session itself for its state.
  const found = await Promise.all((out.Items ?? []).map((i) => getSession(s, String(i.sessionId))));
  return found.filter((x): x is Session => x !== null);
}

/** Every session opened on a provider, read consistently (the index items are written with each session). */
export async function sessionsOfProvider(s: StoreCtx, providerId: string): Promise<Session[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `PROVSESSION#${providerId}` },
    ConsistentRead: true,
  });
  const found = await Promise.all(items.map((i) => getSession(s, String(i.sessionId))));
  return found.filter((x): x is Session => x !== null);
}
