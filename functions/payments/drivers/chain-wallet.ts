/**
 * The ChainWallet on ethers v6 over JSON-RPC: converts through ConversionRouter, pays out in
 * ACU, and reads the router's and the token's logs back for reconciliation. The router's
 * token and oracle addresses are read from the router itself, so config names one address.
 *
 * Sends are serialised per wallet (each waits for the previous to be mined): ethers takes the
 * nonce from the node's pending count, and two concurrent sends from one key would collide.
 * This does not cover two processes with one key; the caller must give a key one sender.
 */
import { AbiCoder, Contract, Interface, JsonRpcProvider, Wallet, getAddress, isAddress, isError } from 'ethers';
import type { EventLog, InterfaceAbi, JsonFragment, Log, Signer } from 'ethers';
import { CONVERSION_ROUTER_ABI, IERC20_ABI, IPRICE_ORACLE_ABI } from '../../../contracts/abi.ts';
import type { MicroAcu } from '../../platform/money.ts';
import type { ConversionEvent, TransferEvent } from '../domain/reconcile.ts';
import { baseUnitsPerMicroAcu, microAcuToBaseUnits } from '../domain/units.ts';
import { ChainRejectedError, type BlockRange, type ChainRejection, type ChainWallet, type ConversionReceipt, type PayoutReceipt } from './wallet.ts';

export interface ChainWalletOptions {
  /** A signer connected to a provider (rpcSigner below, or a KMS-backed signer in the cloud). */
  signer: Signer;
  routerAddress: string;
  /** Blocks per eth_getLogs request: public RPC endpoints refuse wide ranges. */
  maxBlockSpan?: number;
  /** Blocks to wait for after each transaction; 1 = mined. */
  confirmations?: number;
}

/**
 * The JSON-RPC provider the wallet's signer connects to. `cacheTimeout: -1` because ethers
 * otherwise serves identical calls from a 250 ms cache, and an allowance or gas estimate read
 * just after a transaction would describe the chain before it (DEPENDENCIES.md §0.8).
 */
export function chainProvider(rpcUrl: string, opts: { chainId?: number; pollingIntervalMs?: number } = {}): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, opts.chainId, {
    cacheTimeout: -1,
    ...(opts.chainId !== undefined ? { staticNetwork: true } : {}),
    ...(opts.pollingIntervalMs !== undefined ? { pollingInterval: opts.pollingIntervalMs } : {}),
  });
}

/** A private-key signer on chainProvider. */
export function rpcSigner(rpcUrl: string, privateKey: string, opts: { chainId?: number; pollingIntervalMs?: number } = {}): Wallet {
  return new Wallet(privateKey, chainProvider(rpcUrl, opts));
}

/** The standard ERC-20 errors (ERC-6093), which the router bubbles up from the tokens. */
const TOKEN_ERRORS = [
  'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
  'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
  'error ERC20InvalidReceiver(address receiver)',
];
const ERRORS = new Interface([...(CONVERSION_ROUTER_ABI.filter((f) => f.type === 'error') as JsonFragment[]), ...TOKEN_ERRORS]);
const ERROR_STRING = '0x08c379a0';

const REASONS: Record<string, ChainRejection> = {
  'not operator': 'not_operator',
  'zero recipient': 'zero_recipient',
  'zero amount': 'zero_amount',
  'spend limit': 'spend_limit',
  'zero quote': 'zero_quote',
};

/** Connects to the router and its tokens; refuses an ACU token whose decimals cannot carry µACU. */
export async function connectChainWallet(opts: ChainWalletOptions): Promise<ChainWallet> {
  const { signer } = opts;
  if (!signer.provider) throw new Error('the signer has no provider');
  const router = new Contract(opts.routerAddress, CONVERSION_ROUTER_ABI as InterfaceAbi, signer);
  const [avlAddress, acuAddress, oracleAddress, address] = (await Promise.all([
    router.getFunction('avl')(),
    router.getFunction('acu')(),
    router.getFunction('oracle')(),
    signer.getAddress(),
  ])) as [string, string, string, string];
  const acu = new Contract(acuAddress, IERC20_ABI as InterfaceAbi, signer);
  const acuDecimals = Number(await new Contract(acuAddress, ['function decimals() view returns (uint8)'], signer.provider).getFunction('decimals')());
  baseUnitsPerMicroAcu(acuDecimals);
  return new EthersChainWallet({
    address: getAddress(address),
    acuDecimals,
    router,
    acu,
    avl: new Contract(avlAddress, IERC20_ABI as InterfaceAbi, signer),
    oracle: new Contract(oracleAddress, IPRICE_ORACLE_ABI as InterfaceAbi, signer),
    provider: signer.provider,
    maxBlockSpan: opts.maxBlockSpan ?? 2_000,
    confirmations: opts.confirmations ?? 1,
  });
}

interface Parts {
  address: string;
  acuDecimals: number;
  router: Contract;
  acu: Contract;
  avl: Contract;
  oracle: Contract;
  provider: NonNullable<Signer['provider']>;
  maxBlockSpan: number;
  confirmations: number;
}

class EthersChainWallet implements ChainWallet {
  readonly address: string;
  readonly acuDecimals: number;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly p: Parts) {
    this.address = p.address;
    this.acuDecimals = p.acuDecimals;
  }

  async convert(req: { microAcu: MicroAcu; recipient?: string }): Promise<ConversionReceipt> {
    if (req.microAcu < 0n) throw new RangeError('a conversion amount cannot be negative');
    const recipient = checkAddress(req.recipient ?? this.address);
    const acuBaseUnits = microAcuToBaseUnits(req.microAcu, this.acuDecimals);
    const { router, avl, oracle } = this.p;
    return this.serial(() =>
      this.guard('convert', async () => {
        const routerAddress = await router.getAddress();
        const quote = (await oracle.getFunction('quoteAVLforACU')(acuBaseUnits)) as bigint;
        // Approve exactly what this conversion burns: the router never holds a standing allowance.
        if (quote > 0n && ((await avl.getFunction('allowance')(this.address, routerAddress)) as bigint) < quote) {
          await this.send(() => avl.getFunction('approve')(routerAddress, quote), 'convert');
        }
        const { hash, receipt } = await this.send(() => router.getFunction('burnAVLForACU')(acuBaseUnits, recipient), 'convert');
        const log = receipt.logs.map((l) => parseFrom(router, l)).find((e) => e?.name === 'ConversionExecuted');
        if (!log) throw new ChainRejectedError('reverted', `no ConversionExecuted in ${hash}`);
        return { txHash: hash, blockNumber: receipt.blockNumber, microAcu: req.microAcu, acuBaseUnits, avlBurnedBaseUnits: BigInt(log.args[3]!), recipient };
      }),
    );
  }

  async payout(req: { to: string; microAcu: MicroAcu }): Promise<PayoutReceipt> {
    const to = checkAddress(req.to);
    if (req.microAcu <= 0n) throw new ChainRejectedError('zero_amount', `payout of ${req.microAcu} µACU`);
    const baseUnits = microAcuToBaseUnits(req.microAcu, this.acuDecimals);
    const { acu } = this.p;
    return this.serial(async () => {
      const { hash, receipt } = await this.send(() => acu.getFunction('transfer')(to, baseUnits), 'payout');
      // A token may return false without reverting; only its Transfer log proves the move.
      const moved = receipt.logs.map((l) => parseFrom(acu, l)).some((e) => e?.name === 'Transfer' && e.args.join() === [this.address, to, baseUnits].join());
      if (!moved) throw new ChainRejectedError('token_refused', `no Transfer of ${baseUnits} to ${to} in ${hash}`);
      return { txHash: hash, blockNumber: receipt.blockNumber, microAcu: req.microAcu, baseUnits, to };
    });
  }

  async conversions(range: BlockRange): Promise<ConversionEvent[]> {
    const { router } = this.p;
    const logs = await this.chunked(range, (from, to) => router.queryFilter(router.getEvent('ConversionExecuted')(), from, to));
    return logs.map((l) => ({
      txHash: l.transactionHash,
      logIndex: l.index,
      blockNumber: l.blockNumber,
      operator: getAddress(l.args[0]),
      recipient: getAddress(l.args[1]),
      acuBaseUnits: BigInt(l.args[2]),
      avlBurnedBaseUnits: BigInt(l.args[3]),
    }));
  }

  async payoutTransfers(range: BlockRange): Promise<TransferEvent[]> {
    const { acu } = this.p;
    const logs = await this.chunked(range, (from, to) => acu.queryFilter(acu.getEvent('Transfer')(this.address), from, to));
    return logs.map((l) => ({
      txHash: l.transactionHash,
      logIndex: l.index,
      blockNumber: l.blockNumber,
      from: getAddress(l.args[0]),
      to: getAddress(l.args[1]),
      baseUnits: BigInt(l.args[2]),
    }));
  }

  blockNumber(): Promise<number> {
    return this.p.provider.getBlockNumber();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs one operation, turning a revert anywhere in it (a read, an approve, the send) into ChainRejectedError. */
  private async guard<T>(op: 'convert' | 'payout', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translate(e, op, this.address);
    }
  }

  /** Sends (ethers estimates gas first, which is where a revert shows with its data) and waits. */
  private async send(fn: () => Promise<{ hash: string; wait(c?: number): Promise<unknown> }>, op: 'convert' | 'payout') {
    return this.guard(op, async () => {
      const tx = await fn();
      const receipt = (await tx.wait(this.p.confirmations)) as { blockNumber: number; logs: readonly Log[] } | null;
      if (!receipt) throw new ChainRejectedError('reverted', `no receipt for ${tx.hash}`);
      return { hash: tx.hash, receipt };
    });
  }

  private async chunked(range: BlockRange, query: (from: number, to: number) => Promise<(EventLog | Log)[]>): Promise<EventLog[]> {
    const { fromBlock, toBlock } = range;
    if (!Number.isSafeInteger(fromBlock) || !Number.isSafeInteger(toBlock) || fromBlock < 0 || toBlock < fromBlock) {
      throw new ChainRejectedError('invalid_range', `blocks ${fromBlock}..${toBlock}`);
    }
    // Nodes disagree on a range past the head (anvil refuses it, others return nothing): refuse it here, the same everywhere.
    const head = await this.p.provider.getBlockNumber();
    if (toBlock > head) throw new ChainRejectedError('invalid_range', `blocks ${fromBlock}..${toBlock} end past the head (${head})`);
    const out: EventLog[] = [];
    for (let from = fromBlock; from <= toBlock; from += this.p.maxBlockSpan) {
      const logs = await query(from, Math.min(toBlock, from + this.p.maxBlockSpan - 1));
      for (const l of logs) if ('args' in l) out.push(l);
    }
    return out;
  }
}

function checkAddress(a: string): string {
  if (!isAddress(a)) throw new ChainRejectedError('invalid_address', a);
  return getAddress(a);
}

function parseFrom(c: Contract, l: Log): { name: string; args: readonly string[] } | null {
  if (l.address.toLowerCase() !== String(c.target).toLowerCase()) return null;
  const parsed = c.interface.parseLog(l);
  // Addresses come back checksummed and integers as decimal strings.
  return parsed ? { name: parsed.name, args: parsed.args.map((a: unknown) => String(a)) } : null;
}

/** A revert becomes ChainRejectedError with a code; anything else (transport, nonce) is rethrown as is. */
function translate(e: unknown, op: 'convert' | 'payout', self: string): unknown {
  if (e instanceof ChainRejectedError) return e;
  if (!isError(e, 'CALL_EXCEPTION')) return e;
  const data = typeof e.data === 'string' ? e.data : undefined;
  if (!data || data.length < 10) return new ChainRejectedError('reverted', e.shortMessage);
  if (data.startsWith(ERROR_STRING)) {
    const reason = AbiCoder.defaultAbiCoder().decode(['string'], `0x${data.slice(10)}`)[0] as string;
    return new ChainRejectedError(REASONS[reason] ?? 'reverted', reason);
  }
  const parsed = ERRORS.parseError(data);
  if (!parsed) return new ChainRejectedError('reverted', data);
  const detail = `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(', ')})`;
  switch (parsed.name) {
    case 'EnforcedPause':
      return new ChainRejectedError('paused', detail);
    case 'AccessControlUnauthorizedAccount':
      return new ChainRejectedError('not_authorized', detail);
    case 'SafeERC20FailedOperation':
      return new ChainRejectedError('token_refused', detail);
    case 'ERC20InvalidReceiver':
      return new ChainRejectedError('invalid_address', detail);
    case 'ERC20InsufficientAllowance':
      return new ChainRejectedError('insufficient_allowance', detail);
    case 'ERC20InsufficientBalance': {
      const ours = getAddress(String(parsed.args[0])) === self;
      const code: ChainRejection = op === 'payout' ? 'insufficient_acu' : ours ? 'insufficient_avl' : 'reserve_insufficient';
      return new ChainRejectedError(code, detail);
    }
    default:
      return new ChainRejectedError('reverted', detail);
  }
}
