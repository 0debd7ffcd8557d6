/** Drives market handlers with API Gateway events, as the gateway does, and reads state for assertions. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import { currentEnv } from '../../support/runtime.ts';
import { toAuthorizerContext, type Principal, type Role } from '../../../functions/platform/auth/principal.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { scanTable } from '../../support/scan.ts';
import type { Runtime } from '../../../functions/platform/runtime.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { mint } from '../../../functions/ledger/index.ts';
import { parseAcu } from '../../../functions/platform/money.ts';
import { capacityKey } from '../../../functions/market/store/keys.ts';

type Handler = (event: never, ctx: never) => Promise<APIGatewayProxyResultV2>;

export const principal = (id: string, ...roles: Role[]): Principal => ({ id, tenant: id, roles: roles.length ? roles : ['buyer'], keyId: `key_${id}` });
export const ADMIN = principal('admin1', 'admin');
export const OPERATOR = principal('op1', 'operator');

export interface CallInput {
  body?: unknown;
  rawBody?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  contentType: string;
  body: Record<string, unknown> & { code?: string };
}

export async function call(route: RouteSpec, who: Principal | null, input: CallInput = {}): Promise<CallResult> {
  const h = (await currentEnv().invoke(route.entry)) as unknown as Handler;
  const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(input.params?.[n] ?? ''));
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const headers = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(input.headers ?? {}) };
  const event = apiGatewayEvent(
    route,
    { method: route.method, path, headers, ...(input.query ? { query: input.query } : {}), ...(body !== undefined ? { body } : {}) },
    input.params ?? {},
    toAuthorizerContext(who),
  );
  const res = (await h(event as never, lambdaContext(route.id) as never)) as APIGatewayProxyStructuredResultV2;
  const text = res.body ?? '';
  return {
    status: res.statusCode ?? 200,
    contentType: String(res.headers?.['content-type'] ?? ''),
    body: text ? (JSON.parse(text) as CallResult['body']) : {},
  };
}

/** Credits a user from the mint (the ledger's top-up path). */
export async function topUp(rt: Runtime, user: string, acu: string): Promise<void> {
  await mint(ledgerFor(rt), 'test', `${user}-${acu}-${rt.ids.next('req')}`, { user, amount: parseAcu(acu) });
}

export const balanceOf = (rt: Runtime, acct: string) => ledgerFor(rt).balance(acct);
export const userBalance = (rt: Runtime, user: string) => balanceOf(rt, account.user(user));

/** Every market item, for "nothing was written" assertions. */
export const marketItems = (rt: Runtime): Promise<Record<string, unknown>[]> => scanTable(rt, 'market');

/** Sets a provider's capacity for a tenor (tests of scarcity). */
export async function setCapacity(rt: Runtime, providerId: string, tenor: string, maxScu: bigint, soldScu = 0n): Promise<void> {
  await rt.doc.send(
    new UpdateCommand({
      TableName: rt.table('market'),
      Key: capacityKey(providerId, tenor),
      UpdateExpression: 'SET maxScu = :m, soldScu = :s',
      ExpressionAttributeValues: { ':m': maxScu, ':s': soldScu },
    }),
  );
}
