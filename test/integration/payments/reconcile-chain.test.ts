/**
 * Reconciliation over a real chain: the wallet converts and pays out, the ledger side records
 * what the wallet returned, and the logs read back reconcile with them; then the chain and the
 * ledger are made to disagree in the ways a crash or a bug would, and each shows up.
 */
import { Contract, Wallet, type InterfaceAbi } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversionRouterArtifact, MockAVLArtifact } from '../../../contracts/artifacts.ts';
import { connectChainWallet, rpcSigner } from '../../../functions/payments/drivers/chain-wallet.ts';
import type { ChainWallet } from '../../../functions/payments/drivers/wallet.ts';
import { reconcile, type LedgerCredit, type LedgerPayout } from '../../../functions/payments/domain/reconcile.ts';
import { localProvider, startChain, type LocalChain } from '../../../local/chain.ts';

const PROVIDER_WALLET = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
let chain: LocalChain;
let wallet: ChainWallet;

beforeAll(async () => {
  chain = await startChain();
  wallet = await connectChainWallet({ signer: rpcSigner(chain.rpcUrl, chain.walletKey, { chainId: chain.chainId }), routerAddress: chain.addresses.router });
});

afterAll(async () => {
  await chain?.stop();
});

describe('reconcile against the chain', () => {
  it('agrees after conversions and a payout recorded with their hashes, and reports each later disagreement', async () => {
    const from = (await wallet.blockNumber()) + 1;
    const c1 = await wallet.convert({ microAcu: 10_000_000n });
    const c2 = await wallet.convert({ microAcu: 2_500_001n });
    const p1 = await wallet.payout({ to: PROVIDER_WALLET, microAcu: 4_000_000n });
    const credits: LedgerCredit[] = [
      { creditId: 'crd_1', principal: 'prn_a', microAcu: 10_000_000n, txHash: c1.txHash },
      { creditId: 'crd_2', principal: 'prn_b', microAcu: 2_500_001n, txHash: c2.txHash },
    ];
    const payouts: LedgerPayout[] = [{ payoutId: 'pay_1', provider: 'prv_a', microAcu: 4_000_000n, txHash: p1.txHash, wallet: PROVIDER_WALLET }];

    const read = async () => {
      const to = await wallet.blockNumber();
      return {
        conversions: await wallet.conversions({ fromBlock: from, toBlock: to }),
        payoutTransfers: await wallet.payoutTransfers({ fromBlock: from, toBlock: to }),
      };
    };
    const clean = reconcile({ acuDecimals: wallet.acuDecimals, credits, payouts, ...(await read()) });
    expect(clean.differences).toEqual([]);
    expect(clean.ok).toBe(true);
    expect(clean.mintParity).toMatchObject({ ledgerMicroAcu: 12_500_001n, chainMicroAcu: 12_500_001n, ok: true });
    expect(clean.payoutParity).toMatchObject({ ledgerMicroAcu: 4_000_000n, chainMicroAcu: 4_000_000n, ok: true });

    // A conversion whose hash never reached the ledger (the process died after sending), sent by hand here.
    const operator = new Wallet(chain.walletKey, localProvider(chain.rpcUrl));
    await (
      await new Contract(chain.addresses.avl, MockAVLArtifact.abi as InterfaceAbi, operator).getFunction('approve')(chain.addresses.router, 10n ** 18n)
    ).wait();
    const router = new Contract(chain.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, operator);
    const lost = await router.getFunction('burnAVLForACU')(10n ** 18n, operator.address);
    await lost.wait();
    // A credit the ledger minted on chain but never converted, and a payout recorded with the wrong amount.
    const ledgerCredits = [...credits, { creditId: 'crd_3', principal: 'prn_c', microAcu: 5n }];
    const ledgerPayouts = [{ ...payouts[0]!, microAcu: 4_000_001n }];
    const report = reconcile({ acuDecimals: wallet.acuDecimals, credits: ledgerCredits, payouts: ledgerPayouts, ...(await read()) });
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      { kind: 'missing_in_ledger', record: 'credit', log: expect.objectContaining({ txHash: lost.hash, baseUnits: 10n ** 18n, microAcu: 1_000_000n }) },
      { kind: 'missing_on_chain', record: 'credit', id: 'crd_3', microAcu: 5n },
      {
        kind: 'amount_mismatch',
        record: 'payout',
        txHash: p1.txHash,
        ids: ['pay_1'],
        ledgerMicroAcu: 4_000_001n,
        chainBaseUnits: 4_000_000n * 10n ** 12n,
        chainMicroAcu: 4_000_000n,
      },
    ]);
    expect(report.mintParity).toMatchObject({ ledgerMicroAcu: 12_500_006n, chainMicroAcu: 13_500_001n, ok: false });
    expect(report.payoutParity.ok).toBe(false);
    operator.provider?.destroy();
  });
});
