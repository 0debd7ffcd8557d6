/**
 * API keys. Only the SHA-256 hash of a secret is stored; the secret is shown once at
 * creation. A key maps to a principal {id, tenant, roles}.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../clock.ts';
import { isoAt } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import type { Principal, Role } from './principal.ts';
import type { LabelledItem } from '../dynamo/transact.ts';

export const hashKey = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** `vk_` and 43 characters of base64url (256 bits). */
export const newSecret = (): string => `vk_${randomBytes(32).toString('base64url')}`;

export const SECRET_PATTERN = /^vk_[A-Za-z0-9_-]{43}$/;

export interface KeyStoreDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  clock: Clock;
  ids: IdGenerator;
}

export interface CreatedKey {
  principal: Principal;
  secret: string;
  createdAt: string;
}

export async function createKey(
  deps: KeyStoreDeps,
  input: { roles: Role[]; tenant?: string | undefined; principalId?: string | undefined; label?: string | undefined },
): Promise<CreatedKey> {
  const { created, item } = newKeyItem(deps, input);
  await deps.doc.send(new PutCommand(item.item.Put as never));
  return created;
}

/**
 * A new key as a transaction part (label `key`), for writes that create a principal together
 * with other records (a provider joining): the same item createKey puts, guarded the same way.
 */
export function newKeyItem(
  deps: Pick<KeyStoreDeps, 'table' | 'clock' | 'ids'>,
  input: { roles: Role[]; tenant?: string | undefined; principalId?: string | undefined; label?: string | undefined },
): { created: CreatedKey; item: LabelledItem & { item: { Put: NonNullable<LabelledItem['item']['Put']> } } } {
  const secret = newSecret();
  const keyId = deps.ids.next('key');
  const principalId = input.principalId ?? deps.ids.next('prn');
  const tenant = input.tenant ?? principalId;
  const createdAt = isoAt(deps.clock.nowMs());
  const roles = [...new Set(input.roles)];
  const Put = {
    TableName: deps.table,
    Item: {
      pk: `KEY#${hashKey(secret)}`,
      sk: 'KEY',
      keyId,
      principalId,
      tenant,
      roles,
      ...(input.label !== undefined ? { label: input.label } : {}),
      createdAt,
      gsi1pk: `PRINCIPAL#${principalId}`,
      gsi1sk: `KEY#${keyId}`,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
  return { created: { principal: { id: principalId, tenant, roles, keyId }, secret, createdAt }, item: { label: 'key', item: { Put } } };
}

/** The principal behind a secret, or null for an unknown or malformed key. */
export async function resolveKey(deps: Pick<KeyStoreDeps, 'doc' | 'table'>, secret: string): Promise<Principal | null> {
  if (!SECRET_PATTERN.test(secret)) return null;
  const out = await deps.doc.send(new GetCommand({ TableName: deps.table, Key: { pk: `KEY#${hashKey(secret)}`, sk: 'KEY' } }));
  const item = out.Item;
  if (!item || item.revokedAt) return null;
  return { id: String(item.principalId), tenant: String(item.tenant), roles: item.roles as Role[], keyId: String(item.keyId) };
}
