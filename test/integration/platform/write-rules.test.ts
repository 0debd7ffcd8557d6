/**
 * The table write rules (write-once ledger transfers and entries, no deletes on the ledger)
 * as the local engine enforces them for every integration test and the local stack; the
 * cloud's IAM denies the same (test/infra/dev.test.ts "table write rules").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand, DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { TABLES } from '../../../functions/definitions/tables.ts';
import { acctPk, xferPk } from '../../../functions/ledger/store/keys.ts';
import { ledgerFor } from '../../../functions/ledger/index.ts';
import { mint } from '../../../functions/ledger/index.ts';

let env: TestEnv;
let ledger: string;
let transferId: string;

beforeAll(async () => {
  env = await testEnv({ seed: 41 });
  ledger = env.rt.table('ledger');
  const out = await mint(ledgerFor(env.rt), 'rules', 'k1', { user: 'rule-user', amount: 5_000_000n });
  transferId = out.transferId;
});

const denied = /AccessDenied|denied by the table write rules/;

describe('ledger transfers and entries are write-once', () => {
  it('the rules name the ledger’s transfer partitions', () => {
    expect(TABLES.ledger.writeOnce.some((p) => xferPk('txn_x').startsWith(p))).toBe(true);
    expect(TABLES.ledger.writeOnce.some((p) => acctPk('user:x').startsWith(p))).toBe(false);
  });

  it('an update of an entry is refused, alone or in a transaction, in either client form', async () => {
    const key = { pk: xferPk(transferId), sk: 'ENTRY#user:rule-user' };
    await expect(
      env.rt.doc.send(new UpdateCommand({ TableName: ledger, Key: key, UpdateExpression: 'SET delta = :d', ExpressionAttributeValues: { ':d': 1n } })),
    ).rejects.toThrow(denied);
    await expect(
      env.ddb.send(
        new UpdateItemCommand({
          TableName: ledger,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          UpdateExpression: 'SET delta = :d',
          ExpressionAttributeValues: { ':d': { N: '1' } },
        }),
      ),
    ).rejects.toThrow(denied);
    await expect(
      env.rt.doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Update: { TableName: ledger, Key: key, UpdateExpression: 'SET delta = :d', ExpressionAttributeValues: { ':d': 1n } } }],
        }),
      ),
    ).rejects.toThrow(denied);
  });

  it('no delete on the ledger table, of any item, by any command', async () => {
    const shard = { pk: acctPk('user:rule-user'), sk: 'SHARD#0' };
    await expect(env.rt.doc.send(new DeleteCommand({ TableName: ledger, Key: shard }))).rejects.toThrow(denied);
    await expect(env.ddb.send(new DeleteItemCommand({ TableName: ledger, Key: { pk: { S: shard.pk }, sk: { S: shard.sk } } }))).rejects.toThrow(denied);
    await expect(env.rt.doc.send(new BatchWriteCommand({ RequestItems: { [ledger]: [{ DeleteRequest: { Key: shard } }] } }))).rejects.toThrow(denied);
    await expect(env.rt.doc.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: ledger, Key: shard } }] }))).rejects.toThrow(denied);
    // Nothing was touched: the balance and the entries are as the mint left them.
    expect(await ledgerFor(env.rt).balance('user:rule-user')).toBe(5_000_000n);
    expect((await ledgerFor(env.rt).entries('user:rule-user')).entries).toHaveLength(1);
  });

  it('what the ledger does stays allowed: new entries, balance updates; other tables delete freely', async () => {
    await expect(
      env.rt.doc.send(
        new PutCommand({ TableName: ledger, Item: { pk: xferPk('txn_rules_new'), sk: 'XFER', memo: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    ).resolves.toBeDefined();
    await expect(
      env.rt.doc.send(
        new UpdateCommand({
          TableName: ledger,
          Key: { pk: acctPk('user:rule-user'), sk: 'SHARD#0' },
          UpdateExpression: 'ADD balance :z',
          ExpressionAttributeValues: { ':z': 0n },
        }),
      ),
    ).resolves.toBeDefined();
    await env.rt.doc.send(new PutCommand({ TableName: env.rt.table('jobs'), Item: { pk: 'RULES#1', sk: 'X' } }));
    await expect(env.rt.doc.send(new DeleteCommand({ TableName: env.rt.table('jobs'), Key: { pk: 'RULES#1', sk: 'X' } }))).resolves.toBeDefined();
  });
});
