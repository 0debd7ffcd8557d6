/**
 * The ethers wallet against the local chain (anvil with the exchange's contracts): conversions,
 * payouts, reading the logs back, and every refusal the chain can give mapped to its code.
 */
import { Contract, Wallet, type InterfaceAbi, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConversionRouterArtifact, MockAVLArtifact, MockERC20Artifact, MockPriceOracleArtifact } from '../../../contracts/artifacts.ts';
import { ChainRejectedError, type ChainRejection, type ChainWallet } from '../../../functions/payments/drivers/wallet.ts';
import { connectChainWallet, rpcSigner } from '../../../functions/payments/drivers/chain-wallet.ts';
import { devKey, localProvider, LOCAL_CHAIN_ID, startChain, type LocalChain } from '../../../local/chain.ts';

const E12 = 10n ** 12n;
const ONE = 10n ** 18n;
const PROVIDER_WALLET = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';

let chain: LocalChain;
let provider: JsonRpcProvider;
let wallet: ChainWallet;
let admin: Wallet;
let snapshot = '';
const contract = (address: string, abi: unknown, signer: Wallet | JsonRpcProvider = provider) => new Contract(address, abi as InterfaceAbi, signer);
const acuBalance = async (who: string) => (await contract(chain.addresses.acu, MockERC20Artifact.abi).getFunction('balanceOf')(who)) as bigint;
const avlBalance = async (who: string) => (await contract(chain.addresses.avl, MockAVLArtifact.abi).getFunction('balanceOf')(who)) as bigint;
const adminDo = async (address: string, abi: unknown, fn: string, ...args: unknown[]) => {
  await (await contract(address, abi, admin).getFunction(fn)(...args)).wait();
};

/** The refusal's code, or a failure if it was not a ChainRejectedError. */
async function refusal(p: Promise<unknown>): Promise<{ code: ChainRejection; detail: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChainRejectedError) return { code: e.code, detail: e.detail };
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  chain = await startChain();
  provider = localProvider(chain.rpcUrl);
  admin = new Wallet(devKey(0), provider);
  const signer = rpcSigner(chain.rpcUrl, chain.walletKey, { chainId: LOCAL_CHAIN_ID, pollingIntervalMs: 50 });
  wallet = await connectChainWallet({ signer, routerAddress: chain.addresses.router });
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

beforeEach(async () => {
  await provider.send('evm_revert', [snapshot]);
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

afterAll(async () => {
  provider?.destroy();
  await chain?.stop();
});

describe('convert', () => {
  it('burns AVL for ACU into the wallet by default and returns the transaction hash', async () => {
    expect(wallet.address).toBe(chain.addresses.operator);
    expect(wallet.acuDecimals).toBe(18);
    const before = await acuBalance(wallet.address);
    const r = await wallet.convert({ microAcu: 2_500_000n });
    expect(r).toMatchObject({
      microAcu: 2_500_000n,
      acuBaseUnits: 2_500_000n * E12,
      avlBurnedBaseUnits: 2_500_000n * E12,
      recipient: chain.addresses.operator,
    });
    expect(r.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await provider.getTransactionReceipt(r.txHash);
    expect(receipt).toMatchObject({ status: 1, blockNumber: r.blockNumber, to: chain.addresses.router });
    expect(await acuBalance(wallet.address)).toBe(before + 2_500_000n * E12);
    expect(await contract(chain.addresses.router, ConversionRouterArtifact.abi).getFunction('acuSpent')()).toBe(2_500_000n * E12);
  });

  it('pays another recipient, and approves only what the conversion burns', async () => {
    await adminDo(chain.addresses.oracle, MockPriceOracleArtifact.abi, 'setRate', 3n, 2n);
    const avlBefore = await avlBalance(wallet.address);
    const r = await wallet.convert({ microAcu: 1n, recipient: PROVIDER_WALLET.toLowerCase() });
    expect(r.recipient).toBe(PROVIDER_WALLET);
    expect(r.avlBurnedBaseUnits).toBe((3n * E12) / 2n);
    expect(await acuBalance(PROVIDER_WALLET)).toBe(E12);
    expect(await avlBalance(wallet.address)).toBe(avlBefore - (3n * E12) / 2n);
    const allowance = await contract(chain.addresses.avl, MockAVLArtifact.abi).getFunction('allowance')(wallet.address, chain.addresses.router);
    expect(allowance).toBe(0n);
  });

  it('serialises concurrent conversions from one key: all mined, in order, no nonce collision', async () => {
    const rs = await Promise.all([1n, 2n, 3n, 4n].map((m) => wallet.convert({ microAcu: m * 1_000_000n })));
    expect(new Set(rs.map((r) => r.txHash)).size).toBe(4);
    const blocks = rs.map((r) => r.blockNumber);
    expect([...blocks].sort((a, b) => a - b)).toEqual(blocks);
    expect(await contract(chain.addresses.router, ConversionRouterArtifact.abi).getFunction('acuSpent')()).toBe(10n * ONE);
  });

  const rows: { name: string; setup?: () => Promise<void>; microAcu?: bigint; recipient?: string; code: ChainRejection; detail: RegExp }[] = [
    {
      name: 'the router is paused',
      setup: () => adminDo(chain.addresses.router, ConversionRouterArtifact.abi, 'pause'),
      code: 'paused',
      detail: /^EnforcedPause\(\)$/,
    },
    {
      name: 'the spend limit is reached',
      setup: () => adminDo(chain.addresses.router, ConversionRouterArtifact.abi, 'setSpendLimit', E12 - 1n),
      code: 'spend_limit',
      detail: /^spend limit$/,
    },
    { name: 'the amount is zero', microAcu: 0n, code: 'zero_amount', detail: /^zero amount$/ },
    { name: 'the recipient is the zero address', recipient: '0x0000000000000000000000000000000000000000', code: 'zero_recipient', detail: /^zero recipient$/ },
    {
      name: 'the oracle quotes zero',
      setup: () => adminDo(chain.addresses.oracle, MockPriceOracleArtifact.abi, 'setRate', 0n, 1n),
      code: 'zero_quote',
      detail: /^zero quote$/,
    },
    {
      name: 'the wallet lost its operator role',
      setup: async () => {
        const router = contract(chain.addresses.router, ConversionRouterArtifact.abi);
        await adminDo(chain.addresses.router, ConversionRouterArtifact.abi, 'revokeRole', await router.getFunction('OPERATOR_ROLE')(), wallet.address);
      },
      code: 'not_operator',
      detail: /^not operator$/,
    },
    {
      name: 'the wallet holds too little AVL',
      setup: async () => {
        const avl = contract(chain.addresses.avl, MockAVLArtifact.abi, new Wallet(chain.walletKey, provider));
        await (await avl.getFunction('transfer')(PROVIDER_WALLET, await avlBalance(wallet.address))).wait();
      },
      code: 'insufficient_avl',
      detail: /^ERC20InsufficientBalance\(0x70997970C51812dc3A010C7d01b50e0d17dc79C8, 0, 1000000000000\)$/,
    },
    {
      name: 'the reserve holds too little ACU',
      setup: async () => {
        const acu = contract(chain.addresses.acu, MockERC20Artifact.abi, new Wallet(devKey(2), provider));
        await (await acu.getFunction('transfer')(PROVIDER_WALLET, await acuBalance(chain.addresses.reserve))).wait();
      },
      code: 'reserve_insufficient',
      detail: /^ERC20InsufficientBalance\(0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC, 0, 1000000000000\)$/,
    },
    {
      name: 'the ACU token returns false',
      setup: () => adminDo(chain.addresses.acu, MockERC20Artifact.abi, 'setReturnFalse', true),
      code: 'token_refused',
      detail: /^SafeERC20FailedOperation\(0x/,
    },
  ];

  it.each(rows.map((r) => [r.name, r] as const))('refuses with a code when %s, and sends nothing that mines', async (_n, row) => {
    await row.setup?.();
    const block = await provider.getBlockNumber();
    const r = await refusal(wallet.convert({ microAcu: row.microAcu ?? 1n, ...(row.recipient ? { recipient: row.recipient } : {}) }));
    expect(r.code).toBe(row.code);
    expect(r.detail).toMatch(row.detail);
    // At most the approval was mined; the conversion itself never was.
    const head = await provider.getBlockNumber();
    expect(head - block).toBeLessThanOrEqual(1);
    expect(await wallet.conversions({ fromBlock: block, toBlock: head })).toEqual([]);
  });

  it('refuses a malformed address and a negative amount before touching the chain', async () => {
    const block = await provider.getBlockNumber();
    expect(await refusal(wallet.convert({ microAcu: 1n, recipient: '0x1234' }))).toEqual({ code: 'invalid_address', detail: '0x1234' });
    await expect(wallet.convert({ microAcu: -1n })).rejects.toThrow(RangeError);
    expect(await provider.getBlockNumber()).toBe(block);
  });

  it('a wallet whose key has no operator role is refused', async () => {
    const other = await connectChainWallet({ signer: rpcSigner(chain.rpcUrl, devKey(5), { chainId: LOCAL_CHAIN_ID }), routerAddress: chain.addresses.router });
    // It holds no AVL either; the role is checked first.
    expect((await refusal(other.convert({ microAcu: 1n }))).code).toBe('not_operator');
  });
});

describe('payout', () => {
  it('transfers ACU from the wallet to the provider and returns the hash', async () => {
    await wallet.convert({ microAcu: 5_000_000n });
    const r = await wallet.payout({ to: PROVIDER_WALLET, microAcu: 1_250_000n });
    expect(r).toMatchObject({ microAcu: 1_250_000n, baseUnits: 1_250_000n * E12, to: PROVIDER_WALLET });
    expect(await acuBalance(PROVIDER_WALLET)).toBe(1_250_000n * E12);
    expect(await acuBalance(wallet.address)).toBe(3_750_000n * E12);
    expect((await provider.getTransactionReceipt(r.txHash))?.status).toBe(1);
  });

  it('refuses more than the wallet holds', async () => {
    const r = await refusal(wallet.payout({ to: PROVIDER_WALLET, microAcu: 1n }));
    expect(r).toEqual({ code: 'insufficient_acu', detail: `ERC20InsufficientBalance(${wallet.address}, 0, ${E12})` });
  });

  it('refuses a token that returns false: a mined transaction without the Transfer is no payout', async () => {
    await wallet.convert({ microAcu: 5n });
    await adminDo(chain.addresses.acu, MockERC20Artifact.abi, 'setReturnFalse', true);
    const r = await refusal(wallet.payout({ to: PROVIDER_WALLET, microAcu: 5n }));
    expect(r.code).toBe('token_refused');
    expect(await acuBalance(PROVIDER_WALLET)).toBe(0n);
  });

  it('refuses a zero amount and a malformed address without sending', async () => {
    const block = await provider.getBlockNumber();
    expect((await refusal(wallet.payout({ to: PROVIDER_WALLET, microAcu: 0n }))).code).toBe('zero_amount');
    expect((await refusal(wallet.payout({ to: 'not-an-address', microAcu: 1n }))).code).toBe('invalid_address');
    expect(await provider.getBlockNumber()).toBe(block);
  });
});

describe('reading logs', () => {
  it('returns the conversions and payouts of a block range, the same in one request or one block at a time', async () => {
    const from = (await wallet.blockNumber()) + 1;
    const c1 = await wallet.convert({ microAcu: 7_000_000n });
    const c2 = await wallet.convert({ microAcu: 1n, recipient: PROVIDER_WALLET });
    const p1 = await wallet.payout({ to: PROVIDER_WALLET, microAcu: 2_000_000n });
    const to = await wallet.blockNumber();

    const conversions = await wallet.conversions({ fromBlock: from, toBlock: to });
    expect(conversions).toEqual([
      {
        txHash: c1.txHash,
        logIndex: expect.any(Number),
        blockNumber: c1.blockNumber,
        operator: wallet.address,
        recipient: wallet.address,
        acuBaseUnits: 7_000_000n * E12,
        avlBurnedBaseUnits: 7_000_000n * E12,
      },
      {
        txHash: c2.txHash,
        logIndex: expect.any(Number),
        blockNumber: c2.blockNumber,
        operator: wallet.address,
        recipient: PROVIDER_WALLET,
        acuBaseUnits: E12,
        avlBurnedBaseUnits: E12,
      },
    ]);
    expect(await wallet.payoutTransfers({ fromBlock: from, toBlock: to })).toEqual([
      { txHash: p1.txHash, logIndex: expect.any(Number), blockNumber: p1.blockNumber, from: wallet.address, to: PROVIDER_WALLET, baseUnits: 2_000_000n * E12 },
    ]);

    const narrowSigner = rpcSigner(chain.rpcUrl, chain.walletKey, { chainId: LOCAL_CHAIN_ID });
    const narrow = await connectChainWallet({ signer: narrowSigner, routerAddress: chain.addresses.router, maxBlockSpan: 1 });
    expect(await narrow.conversions({ fromBlock: from, toBlock: to })).toEqual(conversions);
    // A range that ends before the second conversion leaves it out.
    expect((await wallet.conversions({ fromBlock: from, toBlock: c2.blockNumber - 1 })).map((e) => e.txHash)).toEqual([c1.txHash]);
  });

  it('sees conversions by any operator, not only its own', async () => {
    const router = contract(chain.addresses.router, ConversionRouterArtifact.abi);
    const other = new Wallet(devKey(5), provider);
    await adminDo(chain.addresses.router, ConversionRouterArtifact.abi, 'grantRole', await router.getFunction('OPERATOR_ROLE')(), other.address);
    await adminDo(chain.addresses.avl, MockAVLArtifact.abi, 'mint', other.address, ONE);
    await (await contract(chain.addresses.avl, MockAVLArtifact.abi, other).getFunction('approve')(chain.addresses.router, ONE)).wait();
    const from = (await wallet.blockNumber()) + 1;
    await (await contract(chain.addresses.router, ConversionRouterArtifact.abi, other).getFunction('burnAVLForACU')(ONE, other.address)).wait();
    const logs = await wallet.conversions({ fromBlock: from, toBlock: await wallet.blockNumber() });
    expect(logs.map((l) => [l.operator, l.acuBaseUnits])).toEqual([[other.address, ONE]]);
  });

  it.each([
    [5, 4],
    [-1, 3],
    [1.5, 3],
  ])('refuses the range %s..%s', async (fromBlock, toBlock) => {
    expect((await refusal(wallet.conversions({ fromBlock, toBlock }))).code).toBe('invalid_range');
  });

  it('refuses a range that ends past the head, for conversions and payouts alike', async () => {
    const head = await wallet.blockNumber();
    expect(await refusal(wallet.conversions({ fromBlock: 0, toBlock: head + 1 }))).toEqual({
      code: 'invalid_range',
      detail: `blocks 0..${head + 1} end past the head (${head})`,
    });
    expect((await refusal(wallet.payoutTransfers({ fromBlock: head, toBlock: head + 5 }))).code).toBe('invalid_range');
    expect(await wallet.conversions({ fromBlock: 0, toBlock: head })).toEqual([]);
  });
});
