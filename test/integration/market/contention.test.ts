/**
 * A rival that always wins: before every market transaction that guards an RC's version,
 * another writer bumps that version. Trades, listings, cancels and job applies (the use
 * cases the handlers run, on a client carrying the rival) re-plan a bounded number of times
 * and then fail with `conflict` — a 409, never a 5xx — having written nothing. Without the
 * rival the same requests succeed.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keyString, writesOf } from '../../../local/write-rules.ts';
import { localDynamo, testEnv, type TestEnv } from '../../support/runtime.ts';
import { ledgerFor } from '../../../functions/ledger/index.ts';
import { PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { GUARD_ATTEMPTS } from '../../../functions/market/usecases/contention.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import { cancelListing, createListing, executeTrade } from '../../../functions/market/usecases/secondary.ts';
import { applyJob, applyJobs } from '../../../functions/market/usecases/coverage.ts';
import { expireDue } from '../../../functions/market/usecases/expire.ts';
import { DAY_MS } from '../../../functions/market/domain/catalog.ts';
import { AppError } from '../../../functions/platform/errors.ts';
import * as api from '../../../functions/market/api.ts';
import { call, marketItems, principal, topUp } from './support.ts';
import { scu as asScu } from '../../../functions/market/domain/units.ts';

const SELLER = principal('rival-seller');
const BUYER = principal('rival-buyer');
let env: TestEnv;
let rcId: string;
let listingId: string;
let rivalOn = false;
let bumps = 0;

type Handler = (args: { input: Record<string, any> }) => Promise<unknown>;

/** Bumps the version of every RC a transaction updates (each such update is version-guarded), just before it is sent. */
function addRival(client: DynamoDBClient, rival: DynamoDBClient) {
  client.middlewareStack.add(
    ((next: Handler, context: { commandName?: string }) => async (args: Parameters<Handler>[0]) => {
      if (rivalOn && context.commandName === 'TransactWriteItemsCommand') {
        for (const w of writesOf(context.commandName, args.input)) {
          const [pk, sk] = [keyString(w.key?.pk), keyString(w.key?.sk)];
          if (w.kind === 'update' && pk?.startsWith('RC#') && sk) {
            await rival.send(
              new UpdateItemCommand({
                TableName: w.table,
                Key: { pk: { S: pk }, sk: { S: sk } },
                UpdateExpression: 'ADD version :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              }),
            );
            bumps++;
          }
        }
      }
      return next(args);
    }) as never,
    { step: 'initialize', name: 'rivalWriter' },
  );
}

beforeAll(async () => {
  const ddb = localDynamo();
  addRival(ddb, localDynamo());
  env = await testEnv({ seed: 31, ddb });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  await topUp(env.rt, SELLER.id, '1000');
  await topUp(env.rt, BUYER.id, '1000');
  const q = await call(api.quoteRoute, SELLER, { body: { tenor: 'T30D', quantityScu: 40, providerIds: ['beta'] } });
  const p = await call(api.purchaseRoute, SELLER, { body: { quoteId: q.body.quoteId } });
  rcId = String((p.body.reservations as { rcId: string }[])[0]!.rcId);
  const l = await call(api.listingCreateRoute, SELLER, { body: { rcId, scu: 10, askPrice: '4' } });
  listingId = String(l.body.listingId);
});
afterEach(() => {
  rivalOn = false;
});

/** Market items (an RC's version aside: the rival moves it) and every balance. */
async function state() {
  const items = (await marketItems(env.rt))
    .filter((i) => i.kind !== 'quote')
    .map((i) => JSON.stringify({ ...i, version: undefined }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return { items: items.sort(), balances: [...(await ledgerFor(env.rt).balances()).entries()].sort() };
}

describe('a guard that keeps losing is a 409 conflict, and nothing is written', () => {
  it.each([
    ['trade', () => executeTrade(env.compositions.market, BUYER.id, { listingId, scu: asScu(2n) })],
    ['listing', () => createListing(env.compositions.market, SELLER.id, { rcId, scu: asScu(3n), askMicro: 5_000_000n })],
    ['job apply', () => applyJob(env.compositions.market, { jobId: 'rival-job', userId: SELLER.id, providerId: 'beta', scu: asScu(2n) })],
    [
      'job batch',
      () =>
        applyJobs(env.compositions.market, {
          userId: SELLER.id,
          providerId: 'beta',
          jobs: [
            { jobId: 'rival-b1', scu: asScu(1n) },
            { jobId: 'rival-b2', scu: asScu(1n) },
          ],
        }),
    ],
    ['listing cancel', () => cancelListing(env.compositions.market, SELLER.id, false, listingId)],
  ] as const)('%s', async (_name, request) => {
    const before = await state();
    bumps = 0;
    rivalOn = true;
    const lost = await request().then(
      () => undefined,
      (e: unknown) => e,
    );
    rivalOn = false;
    expect(lost).toBeInstanceOf(AppError);
    expect(lost).toMatchObject({ code: 'conflict', status: 409 });
    expect(bumps).toBe(GUARD_ATTEMPTS);
    expect(await state()).toEqual(before);
    // The same request without the rival goes through.
    await expect(request()).resolves.toBeDefined();
  });
});

describe('the expiry sweep', () => {
  it('leaves an RC whose guard keeps losing for the next sweep instead of failing', async () => {
    env.clock.advance(31 * DAY_MS);
    const rcStatus = async () => (await marketItems(env.rt)).find((i) => i.kind === 'rc' && i.rcId === rcId)!.status;
    rivalOn = true;
    const busy = await expireDue(env.compositions.market);
    rivalOn = false;
    // The seller's RC and the child RC the trade created: both due, both kept busy.
    expect(busy.scanned).toBe(2);
    expect(busy).toMatchObject({ expiredCount: 0, busy: 2 });
    expect(await rcStatus()).toBe('ACTIVE');
    const next = await expireDue(env.compositions.market);
    expect(next).toMatchObject({ busy: 0, expiredCount: 2 });
    expect(next.expired.map((e) => e.rcId)).toContain(rcId);
    expect(await rcStatus()).toBe('EXPIRED');
  });
});
