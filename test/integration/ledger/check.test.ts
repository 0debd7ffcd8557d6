import { beforeAll, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../../functions/platform/observability.ts';
import { UpdateCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account, ledgerFor, type Ledger } from '../../../functions/ledger/index.ts';
import { checkLedger } from '../../../functions/ledger/index.ts';
import { handler as checkSchedule } from '../../../functions/ledger/handlers/check-schedule.ts';
import { lambdaContext } from '../../../local/apigw-event.ts';
import { scheduledEvent } from '../../../local/scheduler.ts';

let env: TestEnv;
let ledger: Ledger;

beforeAll(async () => {
  env = await testEnv();
  ledger = ledgerFor(env.rt);
  await ledger.transfer({
    key: 'm1',
    requestHash: 'h',
    postings: [{ from: account.mint, to: account.user('a'), amount: 100_000_000n }],
    memo: 'm',
    result: null,
  });
  await ledger.transfer({
    key: 't1',
    requestHash: 'h',
    postings: [
      { from: account.user('a'), to: account.provider('p'), amount: 40_000_000n },
      { from: account.user('a'), to: account.escrow('rc_1'), amount: 50_000_000n },
      { from: account.arrears('b'), to: account.platform, amount: 5_000_000n },
    ],
    memo: 't',
    result: null,
  });
});

const table = () => env.rt.table('ledger');
const runSchedule = () =>
  checkSchedule.with(env.compositions.ledger)(scheduledEvent('ledger-check', env.clock.nowMs()), lambdaContext('ledger-check')) as Promise<{
    ok: boolean;
    violations: number;
    differences: unknown[];
  }>;

describe('the conservation checker', () => {
  it('passes a healthy ledger: everything held equals minted − burned', async () => {
    const r = await checkLedger(env.rt.doc, table(), { attempts: 2, pauseMs: 10 });
    expect(r).toMatchObject({ ok: true, total: 0n, mintedNet: 100_000_000n, held: 100_000_000n, transfers: 2 });
    expect((await runSchedule()).ok).toBe(true);
  });

  it('finds a deliberately corrupted balance and names the account, stored and rebuilt', async () => {
    await env.rt.doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: 'ACCT#escrow:rc_1', sk: 'SHARD#00' },
        UpdateExpression: 'ADD balance :one',
        ExpressionAttributeValues: { ':one': 1n },
      }),
    );
    const r = await checkLedger(env.rt.doc, table(), { attempts: 2, pauseMs: 10 });
    expect(r.ok).toBe(false);
    expect(r.unverified).toEqual([]);
    expect(r.differences).toEqual([{ account: 'escrow:rc_1', stored: 50_000_001n, rebuilt: 50_000_000n }]);
    expect(r.total).toBe(1n);
    const added = vi.spyOn(metrics, 'addMetric');
    const scheduled = await runSchedule();
    // The alarm watches this metric.
    expect(added).toHaveBeenCalledWith('ledgerInvariantViolations', 'Count', 2);
    added.mockRestore();
    expect(scheduled.ok).toBe(false);
    expect(scheduled.violations).toBe(2);
    expect(scheduled.differences).toEqual([{ account: 'escrow:rc_1', stored: '50.000001', rebuilt: '50.000000' }]);
    // Repair, for the next case.
    await env.rt.doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: 'ACCT#escrow:rc_1', sk: 'SHARD#00' },
        UpdateExpression: 'ADD balance :m',
        ExpressionAttributeValues: { ':m': -1n },
      }),
    );
  });

  it('finds a forged entry whose transfer does not balance', async () => {
    await env.rt.doc.send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: 'XFER#txn_forged',
          sk: 'ENTRY#user:a',
          account: 'user:a',
          transferId: 'txn_forged',
          delta: 7n,
          gsi1pk: 'ENTRIES#user:a',
          gsi1sk: 'txn_forged',
        },
      }),
    );
    const r = await checkLedger(env.rt.doc, table(), { attempts: 2, pauseMs: 10 });
    expect(r.unbalancedTransfers).toEqual([{ transferId: 'txn_forged', sum: 7n }]);
    expect(r.differences).toEqual([{ account: 'user:a', stored: 10_000_000n, rebuilt: 10_000_007n }]);
  });
});
