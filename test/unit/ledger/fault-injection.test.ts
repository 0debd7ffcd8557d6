/** The fault middleware builds the errors the real SDK raises, and only when armed. */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { faultMiddleware, injectFaults } from '../../support/fault-injection.ts';
import { documentClient } from '../../../functions/platform/dynamo/client.ts';
import { decodeCancellation, isRetryable } from '../../../functions/platform/dynamo/transact.ts';

const fixed = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};
const state = () => ({ armed: true, stats: { calls: 0, conflict: 0, throttle: 0, afterCommit: 0, byCommand: {} as Record<string, number> } });

describe('faultMiddleware', () => {
  it('before sending: a TransactionCanceledException with a TransactionConflict reason per item, which the transaction helper retries', async () => {
    let sent = 0;
    const mw = faultMiddleware({ random: fixed(0.1, 0.1), beforeRate: 0.5, afterRate: 0 }, state());
    const err = await mw(async () => (sent++, {}), { commandName: 'TransactWriteItemsCommand' })({ input: { TransactItems: [{}, {}, {}] } }).catch(
      (e: unknown) => e,
    );
    expect(sent).toBe(0);
    expect(err).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }],
    });
    const decoded = decodeCancellation(err, ['a', 'b', 'c'])!;
    expect(decoded.reasons).toEqual([{ index: 0, label: 'a', code: 'TransactionConflict', message: expect.any(String), item: undefined }]);
    expect(isRetryable(decoded)).toBe(true);
  });

  it('before sending: a ThrottlingException for other commands, retryable', async () => {
    const s = state();
    const mw = faultMiddleware({ random: fixed(0.1), beforeRate: 0.5, afterRate: 0 }, s);
    const err = await mw(async () => ({}), { commandName: 'GetItemCommand' })({ input: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ThrottlingException' });
    expect(isRetryable(err)).toBe(true);
    expect(s.stats).toMatchObject({ calls: 1, throttle: 1, byCommand: { GetItemCommand: 1 } });
  });

  it('after commit: the call runs, then a network error that is not retried blindly', async () => {
    let sent = 0;
    const mw = faultMiddleware({ random: fixed(0.9, 0.1), beforeRate: 0.5, afterRate: 0.5 }, state());
    const err = await mw(async () => (sent++, {}), { commandName: 'TransactWriteItemsCommand' })({ input: {} }).catch((e: unknown) => e);
    expect(sent).toBe(1);
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET' });
    expect(isRetryable(err)).toBe(false);
  });

  it('passes through when disarmed or for commands not listed', async () => {
    const s = { ...state(), armed: false };
    const mw = faultMiddleware({ random: fixed(0), beforeRate: 1, afterRate: 1, commands: ['TransactWriteItemsCommand'] }, s);
    await expect(mw(async () => 'ok', { commandName: 'TransactWriteItemsCommand' })({ input: {} })).resolves.toBe('ok');
    s.armed = true;
    await expect(mw(async () => 'ok', { commandName: 'QueryCommand' })({ input: {} })).resolves.toBe('ok');
  });

  it('sits on the client stack under the command names the document client uses, and is removable', async () => {
    const base = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const f = injectFaults(base, { random: fixed(0), beforeRate: 1, afterRate: 0 });
    const doc = documentClient(base);
    f.arm();
    await expect(doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a' } } }] }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    await expect(doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(f.stats.byCommand).toEqual({ TransactWriteItemsCommand: 1, GetItemCommand: 1 });
    f.remove();
    expect(base.middlewareStack.identify().some((m) => m.includes('vracuFaultInjection'))).toBe(false);
    base.destroy();
  });
});
