/** `vracu ledger ...` and `vracu balance` against the local stack. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let buyer: { principalId: string; secret: string };

beforeAll(async () => {
  stack = await startTestStack();
  buyer = await stack.admin.call(createKeyRoute, { body: { roles: ['buyer'] } });
});
afterAll(async () => stack?.stop());

const vracu = (args: string[], key: string = stack.adminKey): Promise<string> => runVracu(stack.url, key, args);

describe('vracu ledger', () => {
  it('mint, then balance of your own account, then entries', async () => {
    const human = await vracu(['ledger', 'mint', '--user', buyer.principalId, '--amount', '100.5', '--key', 'cli-mint-0001']);
    expect(human).toMatch(new RegExp(`^minted 100\\.500000 ACU to user:${buyer.principalId}\\n`));
    const replay = JSON.parse(await vracu(['--json', 'ledger', 'mint', '--user', buyer.principalId, '--amount', '100.5', '--key', 'cli-mint-0001']));
    expect(replay.replayed).toBe(true);
    expect(await vracu(['balance'], buyer.secret)).toBe(`user:${buyer.principalId}  100.500000 ACU\n`);
    expect(JSON.parse(await vracu(['--json', 'balance', '--account', 'mint']))).toMatchObject({ account: 'mint', balance: '-100.500000' });
    const entries = await vracu(['ledger', 'entries'], buyer.secret);
    expect(entries).toMatch(/100\.500000\s+txn_/);
  });

  it('check prints the proof and passes', async () => {
    const out = await vracu(['ledger', 'check']);
    expect(out).toMatch(/^OK: 0 violation\(s\)/);
    expect(out).toMatch(/minted − burned 100\.500000/);
  });

  it('a bad amount is refused with the field named', async () => {
    await expect(vracu(['ledger', 'mint', '--user', buyer.principalId, '--amount', '1.1234567'])).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
  });
});
