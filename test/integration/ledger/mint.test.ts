import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { account, ledgerFor, type Ledger } from '../../../functions/ledger/index.ts';
import { mint } from '../../../functions/ledger/index.ts';
import { AppError } from '../../../functions/platform/errors.ts';

let env: TestEnv;
let ledger: Ledger;

beforeAll(async () => {
  env = await testEnv();
  ledger = ledgerFor(env.rt);
});

const owe = (user: string, amount: bigint) =>
  ledger.transfer({
    key: `owe:${user}:${amount}`,
    requestHash: 'h',
    postings: [{ from: account.arrears(user), to: account.provider('p1'), amount }],
    memo: 'spot remainder',
    result: null,
  });

describe('mint', () => {
  it('concurrent top-ups settle arrears exactly once: never past zero', async () => {
    await owe('debtor1', 30_000_000n);
    const results = await Promise.all([1, 2, 3].map((i) => mint(ledger, 'prn_admin', `topup-${i}`, { user: 'debtor1', amount: 20_000_000n })));
    const settled = results.reduce((s, r) => s + BigInt(r.settledArrears.replace('.', '')), 0n);
    expect(settled).toBe(30_000_000n);
    expect(await ledger.balance(account.arrears('debtor1'))).toBe(0n);
    expect(await ledger.balance(account.user('debtor1'))).toBe(30_000_000n);
  });

  it('a debt larger than the top-up takes all of it', async () => {
    await owe('debtor2', 50_000_000n);
    const r = await mint(ledger, 'prn_admin', 'topup-big-debt', { user: 'debtor2', amount: 20_000_000n });
    expect(r).toMatchObject({ settledArrears: '20.000000', credited: '0.000000', replayed: false });
    expect(await ledger.balance(account.arrears('debtor2'))).toBe(-30_000_000n);
    expect(await ledger.balance(account.user('debtor2'))).toBe(0n);
  });

  it('keys are scoped by the caller; the same key and another body → 409', async () => {
    const a = await mint(ledger, 'prn_admin', 'same-key', { user: 'u9', amount: 1n });
    const b = await mint(ledger, 'prn_other_admin', 'same-key', { user: 'u9', amount: 1n });
    expect(a.transferId).not.toBe(b.transferId);
    expect((await mint(ledger, 'prn_admin', 'same-key', { user: 'u9', amount: 1n })).replayed).toBe(true);
    const err = await mint(ledger, 'prn_admin', 'same-key', { user: 'u9', amount: 2n }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('exists_with_different_payload');
    expect(await ledger.balance(account.user('u9'))).toBe(2n);
  });

  it('a direct credit to arrears beyond the debt is refused (arrears never go above zero)', async () => {
    await owe('debtor3', 5n);
    const u = account.user('debtor3');
    await ledger.transfer({ key: 'fund-debtor3', requestHash: 'h', postings: [{ from: account.mint, to: u, amount: 100n }], memo: '', result: null });
    const err = await ledger
      .transfer({ key: 'overpay', requestHash: 'h', postings: [{ from: u, to: account.arrears('debtor3'), amount: 6n }], memo: '', result: null })
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe('conflict');
    expect(await ledger.balance(account.arrears('debtor3'))).toBe(-5n);
  });
});
