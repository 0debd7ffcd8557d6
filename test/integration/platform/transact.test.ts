import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { TransactionCancelledError, isRetryable, transactWrite } from '../../../functions/platform/dynamo/transact.ts';
import { withRetry } from '../../../functions/platform/dynamo/retry.ts';

let env: TestEnv;
let table: string;
beforeAll(async () => {
  env = await testEnv();
  table = env.rt.table('ledger');
});

const put = (pk: string, balance: bigint) => env.rt.doc.send(new PutCommand({ TableName: table, Item: { pk, sk: 'A', balance } }));
const get = async (pk: string) => (await env.rt.doc.send(new GetCommand({ TableName: table, Key: { pk, sk: 'A' } }))).Item;
const debit = (pk: string, amount: bigint) => ({
  label: `debit:${pk}`,
  item: {
    Update: {
      TableName: table,
      Key: { pk, sk: 'A' },
      UpdateExpression: 'SET balance = balance - :a',
      ConditionExpression: 'balance >= :a',
      ExpressionAttributeValues: { ':a': amount },
    },
  },
});
const credit = (pk: string, amount: bigint) => ({
  label: `credit:${pk}`,
  item: { Update: { TableName: table, Key: { pk, sk: 'A' }, UpdateExpression: 'ADD balance :a', ExpressionAttributeValues: { ':a': amount } } },
});

describe('transactWrite on DynamoDB Local', () => {
  it('commits all items or none, and bigints survive the round trip beyond 2^53', async () => {
    const huge = 2n ** 60n + 7n;
    await put('a1', huge);
    await put('b1', 0n);
    await transactWrite(env.rt.doc, [debit('a1', 5n), credit('b1', 5n)]);
    expect((await get('a1'))!.balance).toBe(huge - 5n);
    expect((await get('b1'))!.balance).toBe(5n);
  });

  it('decodes a failed guard into a labelled reason with the old item, and writes nothing', async () => {
    await put('a2', 3n);
    await put('b2', 0n);
    const err = await transactWrite(env.rt.doc, [credit('b2', 10n), debit('a2', 10n)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCancelledError);
    const reason = (err as TransactionCancelledError).failed('debit:a2');
    expect(reason).toMatchObject({ index: 1, code: 'ConditionalCheckFailed' });
    expect(reason!.item).toMatchObject({ balance: 3n });
    expect(isRetryable(err)).toBe(false);
    expect((await get('b2'))!.balance).toBe(0n);
  });

  it('retries conflicts and throttles with jitter, bounded, but never a failed condition', async () => {
    await put('a3', 100n);
    await put('b3', 0n);
    let injected = 0;
    const conflict = () =>
      Object.assign(new Error('conflict'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] });
    const throttle = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const mw = (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
      if (injected < 2) {
        injected++;
        throw injected === 1 ? conflict() : throttle();
      }
      return next(args);
    };
    env.rt.doc.middlewareStack.add(mw as never, { step: 'initialize', name: 'inject-conflicts' });
    try {
      const sleeps: number[] = [];
      await transactWrite(env.rt.doc, [debit('a3', 10n), credit('b3', 10n)], {
        retry: { attempts: 5, baseMs: 10, capMs: 100, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) },
      });
      expect(injected).toBe(2);
      expect(sleeps).toEqual([5, 10]);
      expect((await get('a3'))!.balance).toBe(90n);
    } finally {
      env.rt.doc.middlewareStack.remove('inject-conflicts');
    }
  });

  it('gives up after the bounded number of attempts', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw Object.assign(new Error('x'), { name: 'ThrottlingException' });
      },
      isRetryable,
      { attempts: 4, baseMs: 1, capMs: 1, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
    expect(calls).toBe(4);
  });
});
