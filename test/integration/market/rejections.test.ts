/**
 * Bad input and business rejections: each is a 4xx problem+json with a stable code naming
 * the field or fact, and writes nothing (market items and ledger balances unchanged).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { ledgerFor } from '../../../functions/ledger/index.ts';
import { QUOTE_TTL_MS } from '../../../functions/market/domain/quote.ts';
import { PROVIDER_FIXTURES } from '../../../functions/market/domain/catalog.ts';
import { loadCatalog } from '../../../functions/market/usecases/catalog.ts';
import * as api from '../../../functions/market/api.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { ADMIN, OPERATOR, call, marketItems, principal, topUp, type CallInput } from './support.ts';

const A = principal('alice');
const B = principal('bob');
let env: TestEnv;
let rcId: string;
let listingId: string;
let staleQuoteId: string;

beforeAll(async () => {
  env = await testEnv({ seed: 7 });
  await loadCatalog(env.compositions.market, PROVIDER_FIXTURES);
  await topUp(env.rt, 'alice', '1000');
  await topUp(env.rt, 'bob', '1000');
  const q = await call(api.quoteRoute, A, { body: { tenor: 'T30D', quantityScu: 20, providerIds: ['zeta'] } });
  const p = await call(api.purchaseRoute, A, { body: { quoteId: q.body.quoteId } });
  rcId = String((p.body.reservations as { rcId: string }[])[0]!.rcId);
  const l = await call(api.listingCreateRoute, A, { body: { rcId, scu: 5, askPrice: '8.5' } });
  listingId = String(l.body.listingId);
  const stale = await call(api.quoteRoute, A, { body: { tenor: 'T7D', quantityScu: 3 } });
  staleQuoteId = String(stale.body.quoteId);
  env.clock.advance(QUOTE_TTL_MS + 1);
});

async function snapshot() {
  const items = (await marketItems(env.rt))
    .filter((i) => i.kind !== 'quote')
    .map((i) => JSON.stringify(i, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return { items: items.sort(), balances: [...(await ledgerFor(env.rt).balances()).entries()].sort() };
}

const rows: [string, RouteSpec, typeof A, () => CallInput, number, string, string?][] = [
  ['zero quantity', api.quoteRoute, A, () => ({ body: { tenor: 'T7D', quantityScu: 0 } }), 400, 'validation_failed', 'body.quantityScu'],
  ['negative quantity', api.quoteRoute, A, () => ({ body: { tenor: 'T7D', quantityScu: -5 } }), 400, 'validation_failed', 'body.quantityScu'],
  ['fractional quantity', api.quoteRoute, A, () => ({ body: { tenor: 'T7D', quantityScu: 1.5 } }), 400, 'validation_failed', 'body.quantityScu'],
  ['unknown tenor', api.quoteRoute, A, () => ({ body: { tenor: 'T365D', quantityScu: 5 } }), 400, 'validation_failed', 'body.tenor'],
  ['unknown field', api.quoteRoute, A, () => ({ body: { tenor: 'T7D', quantityScu: 5, discount: true } }), 400, 'validation_failed', 'body.discount'],
  [
    'unknown provider',
    api.quoteRoute,
    A,
    () => ({ body: { tenor: 'T7D', quantityScu: 5, providerIds: ['nobody'] } }),
    404,
    'unknown_provider',
    'body.providerIds',
  ],
  ['two errors at once (quantity and tenor)', api.quoteRoute, A, () => ({ body: { tenor: 'X', quantityScu: 0 } }), 400, 'validation_failed'],
  ['expired quote', api.purchaseRoute, A, () => ({ body: { quoteId: staleQuoteId } }), 410, 'quote_expired'],
  ['someone else’s quote', api.purchaseRoute, B, () => ({ body: { quoteId: staleQuoteId } }), 404, 'quote_not_found'],
  ['malformed quote id', api.purchaseRoute, A, () => ({ body: { quoteId: 'q1' } }), 400, 'validation_failed', 'body.quoteId'],
  ['listing someone else’s RC', api.listingCreateRoute, B, () => ({ body: { rcId, scu: 1, askPrice: '1' } }), 403, 'rc_not_owned'],
  ['listing more than unlisted remaining', api.listingCreateRoute, A, () => ({ body: { rcId, scu: 16, askPrice: '1' } }), 409, 'listing_exceeds_available'],
  ['ask with 7 decimals', api.listingCreateRoute, A, () => ({ body: { rcId, scu: 1, askPrice: '1.0000001' } }), 400, 'validation_failed', 'body.askPrice'],
  ['ask of zero', api.listingCreateRoute, A, () => ({ body: { rcId, scu: 1, askPrice: '0' } }), 400, 'validation_failed', 'body.askPrice'],
  ['ask as a number', api.listingCreateRoute, A, () => ({ body: { rcId, scu: 1, askPrice: 1.5 } }), 400, 'validation_failed', 'body.askPrice'],
  ['buying from yourself', api.tradeRoute, A, () => ({ body: { listingId, scu: 1 } }), 409, 'self_trade'],
  ['buying more than listed', api.tradeRoute, B, () => ({ body: { listingId, scu: 6 } }), 409, 'trade_exceeds_listing'],
  ['trade of zero SCU', api.tradeRoute, B, () => ({ body: { listingId, scu: 0 } }), 400, 'validation_failed', 'body.scu'],
  ['cancel someone else’s listing', api.listingCancelRoute, B, () => ({ params: { id: listingId } }), 403, 'forbidden'],
  ['job apply by a buyer', api.jobApplyRoute, A, () => ({ body: { jobId: 'j-x', userId: 'alice', providerId: 'zeta', scu: 1 } }), 403, 'forbidden'],
  [
    'job apply, unknown provider',
    api.jobApplyRoute,
    OPERATOR,
    () => ({ body: { jobId: 'j-y', userId: 'alice', providerId: 'nobody', scu: 1 } }),
    404,
    'unknown_provider',
  ],
  [
    'job apply, both scu and runtime',
    api.jobApplyRoute,
    OPERATOR,
    () => ({ body: { jobId: 'j-z', userId: 'alice', providerId: 'zeta', scu: 1, runtimeSeconds: 60 } }),
    400,
    'validation_failed',
    'body.scu',
  ],
  ['expire by a buyer', api.expireRoute, A, () => ({ body: {} }), 403, 'forbidden'],
  ['someone else’s portfolio (reads as absent)', api.portfolioRoute, B, () => ({ params: { userId: 'alice' } }), 404, 'not_found'],
  ['someone else’s position', api.positionRoute, B, () => ({ params: { rcId } }), 404, 'not_found'],
  ['catalog load by a buyer', api.providersLoadRoute, A, () => ({ body: {} }), 403, 'forbidden'],
  ['purchase without a principal', api.purchaseRoute, null as never, () => ({ body: { quoteId: staleQuoteId } }), 401, 'unauthenticated'],
  ['malformed JSON', api.tradeRoute, B, () => ({ rawBody: '{"listingId":' }), 400, 'malformed_json'],
];

describe('rejections write nothing', () => {
  it.each(rows)('%s', async (_name, route, who, input, status, code, path) => {
    const before = await snapshot();
    const res = await call(route, who, input());
    expect(res.status).toBe(status);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body.code).toBe(code);
    if (path) expect((res.body.issues as { path: string }[] | undefined)?.map((i) => i.path) ?? [String(res.body.detail)]).toContain(path);
    expect(await snapshot()).toEqual(before);
  });

  it('an admin sees any portfolio', async () => {
    const res = await call(api.portfolioRoute, ADMIN, { params: { userId: 'alice' } });
    expect(res.status).toBe(200);
    expect((res.body.reservations as unknown[]).length).toBe(1);
  });
});
