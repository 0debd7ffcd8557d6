import { describe, expect, it } from 'vitest';
import {
  reconcile,
  type ConversionEvent,
  type Difference,
  type LedgerCredit,
  type LedgerPayout,
  type ReconcileInput,
  type TransferEvent,
} from '../../../functions/payments/domain/reconcile.ts';

const E12 = 10n ** 12n;
const tx = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const WALLET = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const PROV_A = '0x15d34aaf54267db7d7c367839aaf71a00a2c6a65';
const PROV_B = '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc';

/** A ConversionExecuted log of `micro` µACU (or `units` base units exactly) in tx n. */
const conv = (n: number, micro: bigint, over: Partial<ConversionEvent> = {}): ConversionEvent => ({
  txHash: tx(n),
  logIndex: 0,
  blockNumber: 100 + n,
  operator: WALLET,
  recipient: WALLET,
  acuBaseUnits: micro * E12,
  avlBurnedBaseUnits: micro * E12,
  ...over,
});
const xfer = (n: number, micro: bigint, to = PROV_A, over: Partial<TransferEvent> = {}): TransferEvent => ({
  txHash: tx(n),
  logIndex: 0,
  blockNumber: 100 + n,
  from: WALLET,
  to,
  baseUnits: micro * E12,
  ...over,
});
const credit = (id: string, micro: bigint, n?: number): LedgerCredit => ({
  creditId: id,
  principal: `prn_${id}`,
  microAcu: micro,
  ...(n ? { txHash: tx(n) } : {}),
});
const payout = (id: string, micro: bigint, n?: number, wallet?: string): LedgerPayout => ({
  payoutId: id,
  provider: `prv_${id}`,
  microAcu: micro,
  ...(n ? { txHash: tx(n) } : {}),
  ...(wallet ? { wallet } : {}),
});
const input = (over: Partial<ReconcileInput>): ReconcileInput => ({ acuDecimals: 18, conversions: [], payoutTransfers: [], credits: [], payouts: [], ...over });

interface Row {
  name: string;
  in: Partial<ReconcileInput>;
  differences: Difference[];
  mintOk: boolean;
  payoutOk?: boolean;
}

const rows: Row[] = [
  {
    name: 'everything matches',
    in: { credits: [credit('c1', 5_000_000n, 1), credit('c2', 1n, 2)], conversions: [conv(1, 5_000_000n), conv(2, 1n)] },
    differences: [],
    mintOk: true,
  },
  { name: 'nothing on either side', in: {}, differences: [], mintOk: true },
  {
    name: 'a credit whose transaction logged nothing',
    in: { credits: [credit('c1', 10n, 1)] },
    differences: [{ kind: 'missing_on_chain', record: 'credit', id: 'c1', txHash: tx(1), microAcu: 10n }],
    mintOk: false,
  },
  {
    name: 'a credit never converted (no hash)',
    in: { credits: [credit('c1', 10n)] },
    differences: [{ kind: 'missing_on_chain', record: 'credit', id: 'c1', microAcu: 10n }],
    mintOk: false,
  },
  {
    name: 'a conversion the ledger never recorded',
    in: { conversions: [conv(3, 7n)] },
    differences: [{ kind: 'missing_in_ledger', record: 'credit', log: { txHash: tx(3), logIndex: 0, blockNumber: 103, baseUnits: 7n * E12, microAcu: 7n } }],
    mintOk: false,
  },
  {
    name: 'amounts differ',
    in: { credits: [credit('c1', 10n, 1)], conversions: [conv(1, 11n)] },
    differences: [
      { kind: 'amount_mismatch', record: 'credit', txHash: tx(1), ids: ['c1'], ledgerMicroAcu: 10n, chainBaseUnits: 11n * E12, chainMicroAcu: 11n },
    ],
    mintOk: false,
  },
  {
    name: 'a sub-µACU difference is a mismatch, though FLOOR hides it',
    in: { credits: [credit('c1', 10n, 1)], conversions: [conv(1, 0n, { acuBaseUnits: 10n * E12 + 1n })] },
    differences: [
      { kind: 'amount_mismatch', record: 'credit', txHash: tx(1), ids: ['c1'], ledgerMicroAcu: 10n, chainBaseUnits: 10n * E12 + 1n, chainMicroAcu: 10n },
    ],
    mintOk: false,
  },
  {
    name: 'two problems at once: a missing conversion and an unrecorded one of the same amount (parity holds, the match does not)',
    in: { credits: [credit('c1', 10n, 1)], conversions: [conv(2, 10n)] },
    differences: [
      { kind: 'missing_on_chain', record: 'credit', id: 'c1', txHash: tx(1), microAcu: 10n },
      { kind: 'missing_in_ledger', record: 'credit', log: { txHash: tx(2), logIndex: 0, blockNumber: 102, baseUnits: 10n * E12, microAcu: 10n } },
    ],
    mintOk: true,
  },
  {
    name: 'two problems at once: two credits name one transaction, and together they over-state it',
    in: { credits: [credit('c2', 10n, 1), credit('c1', 10n, 1)], conversions: [conv(1, 10n)] },
    differences: [
      { kind: 'duplicate', record: 'credit', side: 'ledger', by: 'tx_hash', key: tx(1), ids: ['c1', 'c2'] },
      { kind: 'amount_mismatch', record: 'credit', txHash: tx(1), ids: ['c1', 'c2'], ledgerMicroAcu: 20n, chainBaseUnits: 10n * E12, chainMicroAcu: 10n },
    ],
    mintOk: false,
  },
  {
    name: 'two conversions in one transaction for one credit: duplicate on chain and a mismatch',
    in: { credits: [credit('c1', 10n, 1)], conversions: [conv(1, 10n, { logIndex: 4 }), conv(1, 10n, { logIndex: 2 })] },
    differences: [
      { kind: 'duplicate', record: 'credit', side: 'chain', by: 'tx_hash', key: tx(1), ids: [`${tx(1)}#2`, `${tx(1)}#4`] },
      { kind: 'amount_mismatch', record: 'credit', txHash: tx(1), ids: ['c1'], ledgerMicroAcu: 10n, chainBaseUnits: 20n * E12, chainMicroAcu: 20n },
    ],
    mintOk: false,
  },
  {
    name: 'the same log read twice (overlapping block ranges) is one log',
    in: { credits: [credit('c1', 10n, 1)], conversions: [conv(1, 10n), conv(1, 10n)] },
    differences: [],
    mintOk: true,
  },
  {
    name: 'a credit id recorded twice: a duplicate, counted once',
    in: { credits: [credit('c1', 10n, 1), credit('c1', 10n, 1)], conversions: [conv(1, 10n)] },
    differences: [{ kind: 'duplicate', record: 'credit', side: 'ledger', by: 'id', key: 'c1', copies: 2 }],
    mintOk: true,
  },
  {
    name: 'a credit id twice with different hashes: the duplicate, and the second transaction unrecorded',
    in: { credits: [credit('c1', 10n, 1), credit('c1', 10n, 2)], conversions: [conv(1, 10n), conv(2, 10n)] },
    differences: [
      { kind: 'duplicate', record: 'credit', side: 'ledger', by: 'id', key: 'c1', copies: 2 },
      { kind: 'missing_in_ledger', record: 'credit', log: { txHash: tx(2), logIndex: 0, blockNumber: 102, baseUnits: 10n * E12, microAcu: 10n } },
    ],
    mintOk: false,
  },
  {
    name: 'hashes match whatever their case',
    in: { credits: [{ ...credit('c1', 10n), txHash: tx(0xabc).toUpperCase().replace('0X', '0x') }], conversions: [conv(0xabc, 10n)] },
    differences: [],
    mintOk: true,
  },
  {
    name: 'payouts that match, with and without a known wallet',
    in: { payouts: [payout('p1', 3n, 1, PROV_A.toUpperCase().replace('0X', '0x')), payout('p2', 4n, 2)], payoutTransfers: [xfer(1, 3n), xfer(2, 4n, PROV_B)] },
    differences: [],
    mintOk: true,
    payoutOk: true,
  },
  {
    name: 'two problems at once: a payout sent to the wrong address for the wrong amount',
    in: { payouts: [payout('p1', 3n, 1, PROV_A)], payoutTransfers: [xfer(1, 4n, PROV_B)] },
    differences: [
      { kind: 'amount_mismatch', record: 'payout', txHash: tx(1), ids: ['p1'], ledgerMicroAcu: 3n, chainBaseUnits: 4n * E12, chainMicroAcu: 4n },
      { kind: 'recipient_mismatch', record: 'payout', id: 'p1', txHash: tx(1), ledgerWallet: PROV_A, chainTo: PROV_B },
    ],
    mintOk: true,
    payoutOk: false,
  },
  {
    name: 'a transfer out of the wallet that no payout explains, and a payout not yet sent',
    in: { payouts: [payout('p1', 3n)], payoutTransfers: [xfer(9, 3n)] },
    differences: [
      { kind: 'missing_in_ledger', record: 'payout', log: { txHash: tx(9), logIndex: 0, blockNumber: 109, baseUnits: 3n * E12, microAcu: 3n } },
      { kind: 'missing_on_chain', record: 'payout', id: 'p1', microAcu: 3n },
    ],
    mintOk: true,
    payoutOk: true,
  },
  {
    name: 'credits and payouts each broken: credit differences come first',
    in: { payouts: [payout('p1', 3n, 5)], credits: [credit('c1', 2n, 6)] },
    differences: [
      { kind: 'missing_on_chain', record: 'credit', id: 'c1', txHash: tx(6), microAcu: 2n },
      { kind: 'missing_on_chain', record: 'payout', id: 'p1', txHash: tx(5), microAcu: 3n },
    ],
    mintOk: false,
    payoutOk: false,
  },
];

describe('reconcile', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const report = reconcile(input(row.in));
    expect(report.differences).toEqual(row.differences);
    expect(report.mintParity.ok).toBe(row.mintOk);
    expect(report.payoutParity.ok).toBe(row.payoutOk ?? true);
    expect(report.ok).toBe(row.differences.length === 0 && row.mintOk && (row.payoutOk ?? true));
  });

  it('parity: ACU minted on chain against the ledger on-chain mint total, in base units and µACU', () => {
    const r = reconcile(input({ credits: [credit('c1', 10n, 1), credit('c2', 5n, 2)], conversions: [conv(1, 10n), conv(2, 6n)] }));
    expect(r.mintParity).toEqual({ ledgerMicroAcu: 15n, ledgerBaseUnits: 15n * E12, chainBaseUnits: 16n * E12, chainMicroAcu: 16n, ok: false });
    expect(r.payoutParity).toEqual({ ledgerMicroAcu: 0n, ledgerBaseUnits: 0n, chainBaseUnits: 0n, chainMicroAcu: 0n, ok: true });
  });

  it('parity on a token with 6 decimals: base units are µACU', () => {
    const r = reconcile(input({ acuDecimals: 6, credits: [credit('c1', 10n, 1)], conversions: [conv(1, 0n, { acuBaseUnits: 10n })] }));
    expect(r).toMatchObject({ ok: true, mintParity: { ledgerBaseUnits: 10n, chainBaseUnits: 10n, ok: true } });
  });

  it('the report does not depend on the order of the inputs', () => {
    const all: Partial<ReconcileInput> = {
      credits: [credit('c3', 1n, 3), credit('c1', 10n, 1), credit('c4', 9n), credit('c2', 2n, 2), credit('c5', 5n, 5), credit('c6', 5n, 5)],
      conversions: [conv(2, 2n), conv(1, 11n), conv(7, 7n), conv(3, 1n, { logIndex: 1 }), conv(3, 1n, { logIndex: 3 })],
      payouts: [payout('p2', 4n, 12), payout('p1', 3n, 11, PROV_B)],
      payoutTransfers: [xfer(11, 3n), xfer(13, 1n)],
    };
    const expected = reconcile(input(all));
    expect(expected.differences.length).toBeGreaterThan(5);
    // A fixed permutation (reversal and rotation), not a random one: the test is the same every run.
    for (const perm of [<T>(xs: readonly T[]) => [...xs].reverse(), <T>(xs: readonly T[]) => [...xs.slice(2), ...xs.slice(0, 2)]]) {
      const shuffled = reconcile(
        input({ credits: perm(all.credits!), conversions: perm(all.conversions!), payouts: perm(all.payouts!), payoutTransfers: perm(all.payoutTransfers!) }),
      );
      expect(shuffled).toEqual(expected);
    }
  });
});
