/**
 * The scheduler's items. A unit changes only from the version it was read at, so two
 * reservations racing for one unit cannot both land (the loser re-reads and re-plans); a
 * reservation is written once, in the same transaction as its unit.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { wrote } from '../../platform/dynamo/conditional.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { big } from '../../platform/dynamo/client.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { queryAll, type Item } from '../../platform/dynamo/query.ts';
import { TransactionCancelledError, transactWrite } from '../../platform/dynamo/transact.ts';
import type { Unit, UnitAllocation } from '../domain/scheduler.ts';
import { reservationKey, unitKey, UNITS_PK } from './keys.ts';

export interface StoredUnit extends Unit {
  version: bigint;
}

const toUnit = (it: Item): StoredUnit => ({
  unitId: String(it.unitId),
  providerId: String(it.providerId),
  gpuProfile: String(it.gpuProfile),
  region: String(it.region),
  kind: it.kind === 'mig' ? 'mig' : 'gpu',
  gpuId: String(it.gpuId),
  ...(it.migProfile ? { migProfile: String(it.migProfile) } : {}),
  capacity: { memoryMb: big(it.memoryMb), sms: big(it.sms) },
  attainedScm: big(it.attainedScm),
  allocations: ((it.allocations as Item[] | undefined) ?? []).map(
    (a): UnitAllocation => ({ jobId: String(a.jobId), tenantId: String(a.tenantId), need: { memoryMb: big(a.memoryMb), sms: big(a.sms) } }),
  ),
  version: big(it.version),
});

const allocationsItem = (u: Unit) => u.allocations.map((a) => ({ jobId: a.jobId, tenantId: a.tenantId, memoryMb: a.need.memoryMb, sms: a.need.sms }));

export async function listUnits(s: StoreCtx): Promise<StoredUnit[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': UNITS_PK },
    ConsistentRead: true,
  });
  return items.map(toUnit);
}

/** One provider's units (ids `<providerId>/…`, as heartbeats register them): one query of their prefix. */
export async function unitsOfProvider(s: StoreCtx, providerId: string): Promise<StoredUnit[]> {
  const items = await queryAll(s.doc, {
    TableName: s.table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': UNITS_PK, ':p': unitKey(`${providerId}/`).sk },
    ConsistentRead: true,
  });
  return items.map(toUnit);
}

/** Registers a unit once; a second registration of the same id is refused (false). */
export async function putUnit(s: StoreCtx, u: Unit): Promise<boolean> {
  try {
    await s.doc.send(
      new PutCommand({
        TableName: s.table,
        Item: {
          ...unitKey(u.unitId),
          unitId: u.unitId,
          providerId: u.providerId,
          gpuProfile: u.gpuProfile,
          region: u.region,
          kind: u.kind,
          gpuId: u.gpuId,
          migProfile: u.migProfile,
          memoryMb: u.capacity.memoryMb,
          sms: u.capacity.sms,
          attainedScm: u.attainedScm,
          allocations: allocationsItem(u),
          version: 1n,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/** A unit's allocations replaced (a job's end), guarded on the version read; false when the unit moved. */
export async function putAllocations(s: StoreCtx, unit: StoredUnit, next: Unit): Promise<boolean> {
  return wrote(
    s.doc.send(
      new UpdateCommand({
        TableName: s.table,
        Key: unitKey(unit.unitId),
        UpdateExpression: 'SET allocations = :a, version = :n',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':a': allocationsItem(next), ':n': unit.version + 1n, ':v': unit.version },
      }),
    ),
  );
}

export interface ReservationRecord {
  reservationId: string;
  jobId: string;
  tenantId: string;
  providerId: string;
  unitId: string;
  scm: bigint;
  priceMicro: bigint;
  costMicro: bigint;
  createdAt: string;
  expiresAt: string;
}

/** Writes the unit's new state (guarded on the version read) and the reservation, together; false when the unit moved. */
export async function commitReservation(s: StoreCtx, unit: StoredUnit, next: Unit, r: ReservationRecord): Promise<boolean> {
  try {
    await transactWrite(s.doc, [
      {
        label: `unit:${unit.unitId}`,
        item: {
          Update: {
            TableName: s.table,
            Key: unitKey(unit.unitId),
            UpdateExpression: 'SET allocations = :a, attainedScm = :s, version = :n',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':a': allocationsItem(next), ':s': next.attainedScm, ':n': unit.version + 1n, ':v': unit.version },
          },
        },
      },
      {
        label: `reservation:${r.reservationId}`,
        item: {
          Put: { TableName: s.table, Item: { ...reservationKey(r.reservationId), kind: 'reservation', ...r }, ConditionExpression: 'attribute_not_exists(pk)' },
        },
      },
    ]);
    return true;
  } catch (e) {
    if (e instanceof TransactionCancelledError && e.failed(`unit:${unit.unitId}`)) return false;
    throw e;
  }
}
