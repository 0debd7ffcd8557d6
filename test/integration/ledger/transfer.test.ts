import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamo, testEnv, type TestEnv } from '../../support/runtime.ts';
import { injectFaults } from '../../support/fault-injection.ts';
import { documentClient } from '../../../functions/platform/dynamo/client.ts';
import { account, InvalidPostingError, Ledger, ledgerFor, TransferTooLargeError, type TransferRequest } from '../../../functions/ledger/index.ts';
import { AppError } from '../../../functions/platform/errors.ts';
import { TransactionCancelledError } from '../../../functions/platform/dynamo/transact.ts';
import { parseAcu } from '../../../functions/platform/money.ts';

let env: TestEnv;
let ledger: Ledger;
let n = 0;
const uniq = (p: string) => `${p}${++n}`;

const req = (key: string, postings: TransferRequest['postings'], extra: Partial<TransferRequest> = {}): TransferRequest => ({
  key,
  requestHash: `h:${key}`,
  postings,
  memo: 'test',
  result: { key },
  ...extra,
});

async function mint(user: string, amount: bigint): Promise<void> {
  await ledger.transfer(req(uniq('mint:'), [{ from: account.mint, to: account.user(user), amount }]));
}

beforeAll(async () => {
  env = await testEnv();
  ledger = ledgerFor(env.rt);
});

describe('double entry', () => {
  it('moves money from one account to another and records both sides', async () => {
    const u = uniq('u');
    await mint(u, parseAcu('100'));
    const out = await ledger.transfer(req(uniq('pay:'), [{ from: account.user(u), to: account.escrow(`rc_${u}`), amount: parseAcu('30.5') }]));
    expect(out.replayed).toBe(false);
    expect(await ledger.balance(account.user(u))).toBe(parseAcu('69.5'));
    expect(await ledger.balance(account.escrow(`rc_${u}`))).toBe(parseAcu('30.5'));
    const { entries } = await ledger.entries(account.user(u));
    expect(entries.map((e) => e.delta)).toEqual([parseAcu('100'), -parseAcu('30.5')]);
    expect(entries[1]!.transferId).toBe(out.transferId);
  });

  it('nets several postings on one account into one guarded change', async () => {
    const u = uniq('u');
    await mint(u, 10_000_000n);
    await ledger.transfer(
      req(uniq('buy:'), [
        { from: account.user(u), to: account.provider(`p${u}`), amount: 4_000_000n },
        { from: account.user(u), to: account.escrow(`rc_${u}`), amount: 6_000_000n },
      ]),
    );
    expect(await ledger.balance(account.user(u))).toBe(0n);
    expect(await ledger.balance(account.provider(`p${u}`))).toBe(4_000_000n);
    expect(await ledger.balance(account.escrow(`rc_${u}`))).toBe(6_000_000n);
  });

  it('mint goes negative by what was minted', async () => {
    const before = await ledger.balance(account.mint);
    const u = uniq('u');
    await mint(u, 7n);
    expect(await ledger.balance(account.mint)).toBe(before - 7n);
  });
});

describe('guard', () => {
  it('refuses to overdraw and writes nothing', async () => {
    const u = uniq('u');
    await mint(u, 5_000_000n);
    const key = uniq('over:');
    const err = await ledger.transfer(req(key, [{ from: account.user(u), to: account.escrow(`rc_${u}`), amount: 5_000_001n }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('insufficient_funds');
    expect((err as AppError).extra).toEqual({ account: account.user(u) });
    expect(await ledger.balance(account.user(u))).toBe(5_000_000n);
    expect(await ledger.lookup(key)).toBeNull();
    expect((await ledger.entries(account.user(u))).entries).toHaveLength(1);
  });

  it('treats an account never credited as empty', async () => {
    const err = await ledger.transfer(req(uniq('k:'), [{ from: account.user(uniq('ghost')), to: account.platform, amount: 1n }])).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('insufficient_funds');
  });

  it('rethrows a failed extra condition with its label, and nothing moves', async () => {
    const u = uniq('u');
    await mint(u, 1_000_000n);
    const table = env.rt.table('ledger');
    await env.rt.doc.send(new PutCommand({ TableName: table, Item: { pk: `TEST#${u}`, sk: 'X' } }));
    const err = await ledger
      .transfer(
        req(uniq('x:'), [{ from: account.user(u), to: account.platform, amount: 1n }], {
          extra: [
            { label: 'rc:create', item: { Put: { TableName: table, Item: { pk: `TEST#${u}`, sk: 'X' }, ConditionExpression: 'attribute_not_exists(pk)' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCancelledError);
    expect((err as TransactionCancelledError).failed('rc:create')).toBeDefined();
    expect(await ledger.balance(account.user(u))).toBe(1_000_000n);
  });
});

describe('limits', () => {
  it('refuses a transfer that cannot fit one transaction, before writing anything', async () => {
    const u = uniq('u');
    await mint(u, 100_000_000n);
    const key = uniq('big:');
    // the idempotency record + 50 entries (the first carries the header) + 50 shard updates > 100 items.
    const postings = Array.from({ length: 49 }, (_, i) => ({ from: account.user(u), to: account.escrow(`rc_big_${u}_${i}`), amount: 1n }));
    await expect(ledger.transfer(req(key, postings))).rejects.toBeInstanceOf(TransferTooLargeError);
    await expect(ledger.transfer(req(key, postings))).rejects.toThrow(/at most 100 items; this one needs 101/);
    expect(await ledger.lookup(key)).toBeNull();
    expect(await ledger.balance(account.user(u))).toBe(100_000_000n);
  });

  it('rejects invalid postings before writing anything', async () => {
    const u = uniq('u');
    await expect(ledger.transfer(req(uniq('bad:'), [{ from: account.user(u), to: account.user(u), amount: 1n }]))).rejects.toBeInstanceOf(InvalidPostingError);
    await expect(ledger.transfer(req(uniq('bad:'), [{ from: account.mint, to: account.user(u), amount: 0n }]))).rejects.toThrow(/greater than zero/);
    expect(await ledger.balance(account.user(u))).toBe(0n);
  });
});

describe('idempotency', () => {
  it('replays the stored result for the same key and request', async () => {
    const u = uniq('u');
    await mint(u, 3_000_000n);
    const key = uniq('pay:');
    const r = req(key, [{ from: account.user(u), to: account.platform, amount: 2_000_000n }], { result: { paid: '2.000000' } });
    const first = await ledger.transfer(r);
    // The balance no longer covers a second payment: a replay must not look like a shortfall.
    const again = await ledger.transfer({ ...r, result: { paid: 'ignored' } });
    expect(again).toEqual({ transferId: first.transferId, replayed: true, result: { paid: '2.000000' } });
    expect(await ledger.balance(account.user(u))).toBe(1_000_000n);
    expect(await ledger.lookup(key)).toMatchObject({ requestHash: `h:${key}`, result: { paid: '2.000000' } });
  });

  it('rejects the same key with a different request (409) and moves nothing', async () => {
    const u = uniq('u');
    await mint(u, 3_000_000n);
    const key = uniq('pay:');
    await ledger.transfer(req(key, [{ from: account.user(u), to: account.platform, amount: 1_000_000n }]));
    const err = await ledger
      .transfer(req(key, [{ from: account.user(u), to: account.platform, amount: 1_500_000n }], { requestHash: 'other' }))
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe('exists_with_different_payload');
    expect((err as AppError).status).toBe(409);
    expect(await ledger.balance(account.user(u))).toBe(2_000_000n);
  });

  it('keeps the record for 400 days', async () => {
    const u = uniq('u');
    const key = uniq('mint:');
    await ledger.transfer(req(key, [{ from: account.mint, to: account.user(u), amount: 1n }]));
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const got = await env.rt.doc.send(new GetCommand({ TableName: env.rt.table('ledger'), Key: { pk: `IDEM#${key}`, sk: 'IDEM' } }));
    expect(got.Item!.ttl).toBe(BigInt(Math.floor(env.clock.nowMs() / 1000) + 400 * 86_400));
  });

  it('commits extra items alone when there are no postings', async () => {
    const table = env.rt.table('ledger');
    const key = uniq('only-extra:');
    await ledger.transfer(req(key, [], { extra: [{ label: 'x', item: { Put: { TableName: table, Item: { pk: `TEST#${key}`, sk: 'Y' } } } }] }));
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    expect((await env.rt.doc.send(new GetCommand({ TableName: table, Key: { pk: `TEST#${key}`, sk: 'Y' } }))).Item).toBeDefined();
    expect((await ledger.transfer(req(key, []))).replayed).toBe(true);
  });
});

describe('concurrency', () => {
  it('40 concurrent debits racing for a balance that covers 10 never overdraw', async () => {
    const u = uniq('u');
    await mint(u, 10_000_000n);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        ledger.transfer(req(`race:${u}:${i}`, [{ from: account.user(u), to: account.escrow(`rc_${u}_${i}`), amount: 1_000_000n }])),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(rejected.every((r) => (r.reason as AppError).code === 'insufficient_funds')).toBe(true);
    expect(await ledger.balance(account.user(u))).toBe(0n);
    const escrows = await ledger.balances(`escrow:rc_${u}_`);
    expect([...escrows.values()].reduce((s, b) => s + b, 0n)).toBe(10_000_000n);
  });
});

describe('sharded hot accounts', () => {
  it('spreads credits over shards and debits across them, splitting when no shard suffices', async () => {
    const p = account.provider(uniq('prov'));
    const u = uniq('u');
    await mint(u, 80_000_000n);
    for (let i = 0; i < 16; i++) await ledger.transfer(req(uniq('job:'), [{ from: account.user(u), to: p, amount: 5_000_000n }]));
    const shards = await ledger.shardBalances(p);
    expect(shards).toHaveLength(8);
    expect(shards.filter((b) => b > 0n).length).toBeGreaterThan(1);
    expect(shards.reduce((s, b) => s + b, 0n)).toBe(80_000_000n);
    const biggest = shards.reduce((m, b) => (b > m ? b : m), 0n);
    // More than any single shard holds: must split.
    await ledger.transfer(req(uniq('payout:'), [{ from: p, to: account.user(u), amount: biggest + 1n }]));
    expect(await ledger.balance(p)).toBe(80_000_000n - biggest - 1n);
    const err = await ledger.transfer(req(uniq('payout:'), [{ from: p, to: account.user(u), amount: 80_000_000n }])).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('insufficient_funds');
    const { entries } = await ledger.entries(p, { limit: 100 });
    expect(entries.reduce((s, e) => s + e.delta, 0n)).toBe(await ledger.balance(p));
  });

  it('concurrent debits of a sharded account never overdraw it', async () => {
    const p = account.provider(uniq('prov'));
    const u = uniq('u');
    await mint(u, 12_000_000n);
    for (let i = 0; i < 12; i++) await ledger.transfer(req(uniq('job:'), [{ from: account.user(u), to: p, amount: 1_000_000n }]));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => ledger.transfer(req(`payout:${p}:${i}`, [{ from: p, to: account.escrow(`x${i}${u}`), amount: 1_500_000n }]))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(8);
    expect(await ledger.balance(p)).toBe(0n);
    expect((await ledger.shardBalances(p)).every((b) => b >= 0n)).toBe(true);
  });

  it("pages a hot account's entries across its gsi1 partitions in time order, each exactly once", async () => {
    const p = account.provider(uniq('prov'));
    const u = uniq('u');
    await mint(u, 1_000_000n);
    const ids: string[] = [];
    for (let i = 1; i <= 23; i++) ids.push((await ledger.transfer(req(uniq('job:'), [{ from: account.user(u), to: p, amount: BigInt(i) }]))).transferId);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ledger.entries(p, { limit: 5, ...(cursor ? { cursor } : {}) });
      expect(page.entries.length).toBeLessThanOrEqual(5);
      seen.push(...page.entries.map((e) => e.transferId));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(ids);
    const partitions = new Set(
      (
        await env.rt.doc.send(
          new ScanCommand({
            TableName: env.rt.table('ledger'),
            FilterExpression: 'account = :a AND begins_with(sk, :e)',
            ExpressionAttributeValues: { ':a': p, ':e': 'ENTRY#' },
          }),
        )
      ).Items!.map((i) => i.gsi1pk),
    );
    expect(partitions.size).toBeGreaterThan(1);
    expect([...partitions].every((k) => /^ENTRIES#provider:prov\d+#0[0-7]$/.test(String(k)))).toBe(true);
  });

  it('a payment to a hot account, or from escrow, is one TransactWriteItems: no reads', async () => {
    const base = localDynamo();
    const counter = injectFaults(base, { random: () => 0.5, beforeRate: 0, afterRate: 0 });
    const counted = new Ledger({ doc: documentClient(base), table: env.rt.table('ledger'), clock: env.clock, ids: env.rt.ids });
    const u = uniq('u');
    await mint(u, 5_000_000n);
    counter.arm();
    await counted.transfer(
      req(uniq('job:'), [
        { from: account.user(u), to: account.provider('hot'), amount: 1_000_000n },
        { from: account.user(u), to: account.platform, amount: 10n },
      ]),
    );
    await counted.transfer(req(uniq('job:'), [{ from: account.user(u), to: account.escrow(`rc_${u}`), amount: 1_000_000n }]));
    await counted.transfer(req(uniq('job:'), [{ from: account.escrow(`rc_${u}`), to: account.provider('hot'), amount: 400_000n }]));
    expect(counter.stats.calls).toBe(3);
    counter.remove();
    base.destroy();
  });

  it('honours a custom shard count', async () => {
    const custom = new Ledger({
      doc: env.rt.doc,
      table: env.rt.table('ledger'),
      clock: env.clock,
      ids: env.rt.ids,
      shardsFor: (a) => (a.startsWith('provider:') ? 3 : 1),
    });
    const p = account.provider(uniq('prov'));
    expect(await custom.shardBalances(p)).toEqual([0n, 0n, 0n]);
  });
});

describe('the transfer header', () => {
  const itemsOf = async (transferId: string) =>
    (
      await env.rt.doc.send(
        new QueryCommand({
          TableName: env.rt.table('ledger'),
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': `XFER#${transferId}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('rides on the first entry: key and postings once, no item of its own', async () => {
    const u = uniq('hu');
    await mint(u, 1_000n);
    const key = uniq('hdr:');
    const postings = [
      { from: account.user(u), to: account.provider('hp'), amount: 300n },
      { from: account.user(u), to: account.platform, amount: 7n },
    ];
    const { transferId } = await ledger.transfer(req(key, postings));
    const items = await itemsOf(transferId);
    expect(items.map((i) => i.sk).sort()).toEqual([`ENTRY#${account.platform}`, `ENTRY#${account.provider('hp')}`, `ENTRY#${account.user(u)}`].sort());
    const headers = items.filter((i) => i.postings);
    expect(headers).toHaveLength(1);
    expect(headers[0]).toMatchObject({ key, postings: postings.map((p) => ({ ...p })) });
  });

  it('keeps an item of its own when the postings cancel out (no entry to carry it)', async () => {
    const u = uniq('hz');
    await mint(u, 1_000n);
    const key = uniq('hdr0:');
    const postings = [
      { from: account.user(u), to: account.provider('hz'), amount: 5n },
      { from: account.provider('hz'), to: account.user(u), amount: 5n },
    ];
    const out = await ledger.transfer(req(key, postings));
    const items = await itemsOf(out.transferId);
    expect(items).toEqual([expect.objectContaining({ sk: 'XFER', key, postings: postings.map((p) => ({ ...p })) })]);
  });
});
