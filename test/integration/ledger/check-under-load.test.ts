import { expect, it } from 'vitest';
import { testEnv } from '../../support/runtime.ts';
import { account, ledgerFor } from '../../../functions/ledger/index.ts';
import { checkLedger } from '../../../functions/ledger/index.ts';

it('a check taken while transfers commit does not report a violation', async () => {
  const env = await testEnv();
  const ledger = ledgerFor(env.rt);
  for (let u = 0; u < 8; u++)
    await ledger.transfer({
      key: `m${u}`,
      requestHash: 'h',
      postings: [{ from: account.mint, to: account.user(`u${u}`), amount: 1_000_000_000n }],
      memo: '',
      result: null,
    });
  let done = false;
  let n = 0;
  const busy = new Set<string>([account.platform]);
  for (let u = 0; u < 8; u++) busy.add(account.user(`u${u}`));
  for (let p = 0; p < 3; p++) busy.add(account.provider(`p${p}`));
  for (let w = 0; w < 6; w++) busy.add(account.escrow(`rc${w}`));
  const writers = Array.from({ length: 6 }, async (_, w) => {
    while (!done) {
      const i = n++;
      await ledger.transfer({
        key: `t${i}`,
        requestHash: 'h',
        postings: [
          { from: account.user(`u${i % 8}`), to: account.provider(`p${i % 3}`), amount: 1_000n },
          { from: account.user(`u${i % 8}`), to: account.platform, amount: 10n },
          { from: account.user(`u${i % 8}`), to: account.escrow(`rc${w}`), amount: 5n },
        ],
        memo: '',
        result: null,
      });
    }
  });
  // Keep checking until four checks each overlapped with committed transfers (bounded), so
  // the assertion does not depend on how fast this machine happens to be.
  const reports = [];
  let overlapped = 0;
  for (let k = 0; k < 40 && overlapped < 4; k++) {
    const before = n;
    reports.push(await checkLedger(env.rt.doc, env.rt.table('ledger'), { pauseMs: 20 }));
    if (n > before) overlapped++;
  }
  done = true;
  await Promise.all(writers);
  expect(overlapped).toBe(4);
  for (const r of reports) {
    expect(
      r.violations,
      JSON.stringify({
        ...r,
        mintedNet: String(r.mintedNet),
        held: String(r.held),
        total: String(r.total),
        differences: r.differences.length,
        unbalancedTransfers: r.unbalancedTransfers.map((t) => [t.transferId, String(t.sum)]),
        negative: r.negative.map((x) => [x.account, String(x.balance)]),
      }),
    ).toBe(0);
    // Only accounts the writers hit back to back may be too busy to verify.
    expect(r.unverified.filter((a) => !busy.has(a))).toEqual([]);
  }
  // The scans did see transfers half-way; the re-checks explained them.
  console.info(
    `transfers during checks: ${n}; cleared per check: ${reports.map((r) => r.cleared).join(', ')}; unverified: ${reports.map((r) => r.unverified.length).join(', ')}`,
  );
  // And once writes stop, the scan alone is clean.
  const quiet = await checkLedger(env.rt.doc, env.rt.table('ledger'));
  expect(quiet).toMatchObject({ ok: true, violations: 0, cleared: 0, total: 0n });
}, 120_000);
