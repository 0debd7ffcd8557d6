/**
 * Provisioning a persisted local data dir made by an older definition: a table that lacks an
 * index added since gets it (DynamoDB Local, UpdateTable), and its items are kept.
 */
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLES, tableName } from '../../../functions/definitions/tables.ts';
import { createTableInput, ensureTables } from '../../../local/provision.ts';
import { localDynamo } from '../../support/runtime.ts';

describe('ensureTables on tables from an older definition', () => {
  it('adds the payments table its reconcile index and keeps what the table held', async () => {
    const ddb = localDynamo();
    const prefix = `prov${Date.now().toString(36)}`;
    const older = { ...TABLES.payments, gsis: TABLES.payments.gsis.filter((g) => g.name !== 'gsi2') };
    await ddb.send(new CreateTableCommand(createTableInput(prefix, older)));
    const TableName = tableName(prefix, 'payments');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'PAY#kept' }, sk: { S: 'PAY' } } }));

    await ensureTables(ddb, prefix);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    expect((Table!.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    expect((await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'PAY#kept' }, sk: { S: 'PAY' } } }))).Item).toBeDefined();
    // A second run finds nothing to add.
    await expect(ensureTables(ddb, prefix)).resolves.toContain(TableName);
    ddb.destroy();
  });
});
