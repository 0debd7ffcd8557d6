/**
 * A local EVM for the on-chain payments path: anvil (from the npm package `@foundry-rs/anvil`)
 * on a loopback port the kernel picks, with the mock AVL and ACU tokens, the oracle and
 * ConversionRouter deployed, and the operator wallet funded and authorised. The cloud reaches a
 * real chain through the same JSON-RPC path (functions/payments/drivers/chain-wallet.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ContractFactory, HDNodeWallet, JsonRpcProvider, MaxUint256, Mnemonic, Wallet, type Contract, type InterfaceAbi } from 'ethers';
import { ConversionRouterArtifact, MockAVLArtifact, MockERC20Artifact, MockPriceOracleArtifact, type ContractArtifact } from '../contracts/artifacts.ts';
import { isListening } from './engines/ports.ts';

const require = createRequire(import.meta.url);

/** anvil's own development phrase: the accounts are well known and worthless, and the same on every run. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const LOCAL_CHAIN_ID = 31337;
/** The build's evmVersion (contracts/compile.ts); anvil's default ("latest") may run ahead of it. */
export const LOCAL_HARDFORK = 'prague';

/** The dev account's private key at `m/44'/60'/0'/0/<index>`, as anvil derives it. */
export function devKey(index: number): string {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`).privateKey;
}

/** Roles of the dev accounts in the deployment. */
export const DEV_ACCOUNTS = { admin: 0, operator: 1, reserve: 2, burnAgent: 3 } as const;

export class AnvilMissingError extends Error {
  constructor() {
    super('anvil was not found: run `npm install` (it comes from the npm package @foundry-rs/anvil and its platform package)');
    this.name = 'AnvilMissingError';
  }
}

/** The anvil binary: the platform package npm installs, else the copy the wrapper's postinstall fetched. */
export function anvilBinary(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch];
  try {
    return require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
  } catch {
    const fallback = join(dirname(require.resolve('@foundry-rs/anvil/package.json')), 'anvil');
    if (existsSync(fallback)) return fallback;
    throw new AnvilMissingError();
  }
}

export interface AnvilNode {
  rpcUrl: string;
  port: number;
  pid: number;
  /** Idempotent; resolves once the process has exited and nothing listens on the port. */
  stop(): Promise<void>;
}

/**
 * Starts anvil with `--port 0` and reads the port it bound from its "Listening on" line, so two
 * nodes started at once cannot race for a port. Its output is drained for its whole life (a full
 * pipe would stall it) and the last lines are kept for the error if it dies during start.
 */
export async function startAnvil(opts: { accounts?: number; readyTimeoutMs?: number; stateFile?: string } = {}): Promise<AnvilNode> {
  const args = ['--host', '127.0.0.1', '--port', '0', '--mnemonic', DEV_MNEMONIC, '--accounts', String(opts.accounts ?? 6)];
  args.push('--chain-id', String(LOCAL_CHAIN_ID), '--hardfork', LOCAL_HARDFORK);
  // The chain (accounts, code, blocks, receipts and their logs) loaded from the file if it is
  // there, written on exit and every few seconds, so a crash loses at most that much.
  if (opts.stateFile) args.push('--state', opts.stateFile, '--state-interval', String(STATE_INTERVAL_SEC));
  const proc: ChildProcess = spawn(anvilBinary(), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = proc.pid!;
  live.add(pid);
  const tail: string[] = [];
  let exited = false;
  const exit = new Promise<void>((r) => proc.once('exit', () => ((exited = true), live.delete(pid), r())));
  proc.stderr!.on('data', (b: Buffer) => keep(tail, b.toString()));
  const lines = createInterface({ input: proc.stdout! });
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`anvil did not start within ${timeoutMs} ms`)), timeoutMs);
      lines.on('line', (line) => {
        keep(tail, line);
        const m = /^Listening on 127\.0\.0\.1:(\d+)/.exec(line);
        if (m) clearTimeout(timer), resolve(Number(m[1]));
      });
      void exit.then(() => (clearTimeout(timer), reject(new Error(`anvil exited during start:\n${tail.join('\n')}`))));
    });
  } catch (e) {
    killGroup(pid, 'SIGKILL');
    throw e;
  }
  const stop = async () => {
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      const until = Date.now() + 5_000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      if (!exited) killGroup(pid, 'SIGKILL');
      await exit;
    }
    const until = Date.now() + 5_000;
    while ((await isListening(port)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  };
  return { rpcUrl: `http://127.0.0.1:${port}`, port, pid, stop };
}

/** Seconds between anvil's writes of a kept chain's state (it writes it on exit as well). */
const STATE_INTERVAL_SEC = 5;

/** Nodes still running; killed if this process exits without stopping them (a detached child would outlive it). */
const live = new Set<number>();
process.once('exit', () => live.forEach((pid) => killGroup(pid, 'SIGKILL')));

function keep(tail: string[], text: string): void {
  tail.push(text);
  if (tail.length > 40) tail.shift();
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * A provider for a local node. `cacheTimeout: -1`: ethers otherwise answers identical requests
 * from a 250 ms cache, and on a node that mines at once a gas estimate or `eth_call` can then
 * describe the chain before the last transaction (DEPENDENCIES.md §0.8).
 */
export function localProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, LOCAL_CHAIN_ID, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
}

/** Deploys an artifact and waits for it to be mined. */
export async function deploy(artifact: ContractArtifact, signer: Wallet, ...args: unknown[]): Promise<Contract> {
  const factory = new ContractFactory(artifact.abi as InterfaceAbi, artifact.bytecode, signer);
  const c = await factory.deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

export interface ChainAddresses {
  avl: string;
  acu: string;
  oracle: string;
  router: string;
  admin: string;
  /** The wallet's account: holds the OPERATOR_ROLE and the AVL it converts, and receives the ACU by default. */
  operator: string;
  /** Holds the ACU that conversions pay out; has approved the router for all of it. */
  reserve: string;
  burnAgent: string;
}

export interface DeployOptions {
  /** Token decimals of both mocks (18, like most ERC-20s). */
  decimals?: number;
  /** The oracle's rate: AVL base units per ACU base unit, as num/den (rounded up). Default 1/1. */
  avlPerAcu?: { num: bigint; den: bigint };
  /** ConversionRouter's lifetime ACU spend limit, in base units. Default 1,000,000 ACU. */
  spendLimitBaseUnits?: bigint;
  /** ACU minted to the reserve. Default 1,000,000 ACU. */
  reserveAcuBaseUnits?: bigint;
  /** AVL minted to the operator. Default 1,000,000 AVL. */
  operatorAvlBaseUnits?: bigint;
}

/** The exchange's deployment on a dev chain: the mocks, the oracle and the router, wired and funded. */
export async function deployExchangeContracts(provider: JsonRpcProvider, opts: DeployOptions = {}): Promise<ChainAddresses> {
  const decimals = opts.decimals ?? 18;
  const one = 10n ** BigInt(decimals);
  const [admin, operator, reserve, burnAgent] = [DEV_ACCOUNTS.admin, DEV_ACCOUNTS.operator, DEV_ACCOUNTS.reserve, DEV_ACCOUNTS.burnAgent].map(
    (i) => new Wallet(devKey(i), provider),
  ) as [Wallet, Wallet, Wallet, Wallet];
  const rate = opts.avlPerAcu ?? { num: 1n, den: 1n };
  const avl = await deploy(MockAVLArtifact, admin, decimals);
  const acu = await deploy(MockERC20Artifact, admin, 'Mock ACU', 'ACU', decimals);
  const oracle = await deploy(MockPriceOracleArtifact, admin, rate.num, rate.den);
  const router = await deploy(
    ConversionRouterArtifact,
    admin,
    await avl.getAddress(),
    await acu.getAddress(),
    await oracle.getAddress(),
    burnAgent.address,
    reserve.address,
    opts.spendLimitBaseUnits ?? 1_000_000n * one,
    admin.address,
  );
  const routerAddress = await router.getAddress();
  const mined = async (tx: Promise<{ wait(): Promise<unknown> }>) => void (await (await tx).wait());
  await mined(avl.getFunction('setBurner')(routerAddress));
  await mined(router.getFunction('grantRole')(await router.getFunction('OPERATOR_ROLE')(), operator.address));
  await mined(router.getFunction('grantRole')(await router.getFunction('PAUSER_ROLE')(), admin.address));
  await mined(acu.getFunction('mint')(reserve.address, opts.reserveAcuBaseUnits ?? 1_000_000n * one));
  await mined(avl.getFunction('mint')(operator.address, opts.operatorAvlBaseUnits ?? 1_000_000n * one));
  await mined((acu.connect(reserve) as Contract).getFunction('approve')(routerAddress, MaxUint256));
  return {
    avl: await avl.getAddress(),
    acu: await acu.getAddress(),
    oracle: await oracle.getAddress(),
    router: routerAddress,
    admin: admin.address,
    operator: operator.address,
    reserve: reserve.address,
    burnAgent: burnAgent.address,
  };
}

export interface LocalChain {
  rpcUrl: string;
  /** anvil's process (and group) id, for the local stack's crash-safety registry. */
  pid: number;
  chainId: number;
  addresses: ChainAddresses;
  /** The operator's private key: what the wallet signs with (a dev key, never a secret). */
  walletKey: string;
  /** True when the contracts are the ones a kept chain already held (nothing was deployed). */
  resumed: boolean;
  stop(): Promise<void>;
}

/** The addresses a kept chain's deployment.json names, if every contract there still has code. */
async function keptDeployment(provider: JsonRpcProvider, file: string): Promise<ChainAddresses | undefined> {
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { chainId?: number; addresses?: ChainAddresses };
  const a = saved.addresses;
  if (saved.chainId !== LOCAL_CHAIN_ID || !a) return undefined;
  const codes = await Promise.all([a.avl, a.acu, a.oracle, a.router].map((x) => provider.getCode(x)));
  return codes.every((c) => c !== '0x') ? a : undefined;
}

/**
 * Starts anvil and deploys the exchange's contracts on it; stops the node if the deployment fails.
 * With `dataDir` the chain is kept there (`state.json`, and the contracts' addresses in
 * `deployment.json`), so the next start resumes it: the blocks, the ConversionExecuted logs and
 * the balances the payments records and the reconciliation checkpoint point at are still there.
 * A kept deployment is used only if its contracts still have code on the loaded chain; otherwise
 * the contracts are deployed afresh and the file rewritten.
 */
export async function startChain(opts: DeployOptions & { dataDir?: string } = {}): Promise<LocalChain> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const node = await startAnvil(opts.dataDir ? { stateFile: join(opts.dataDir, 'state.json') } : {});
  const provider = localProvider(node.rpcUrl);
  try {
    const kept = opts.dataDir ? await keptDeployment(provider, join(opts.dataDir, 'deployment.json')) : undefined;
    const addresses = kept ?? (await deployExchangeContracts(provider, opts));
    if (opts.dataDir && !kept) writeFileSync(join(opts.dataDir, 'deployment.json'), `${JSON.stringify({ chainId: LOCAL_CHAIN_ID, addresses }, null, 2)}\n`);
    return {
      rpcUrl: node.rpcUrl,
      pid: node.pid,
      chainId: LOCAL_CHAIN_ID,
      addresses,
      walletKey: devKey(DEV_ACCOUNTS.operator),
      resumed: !!kept,
      stop: node.stop,
    };
  } catch (e) {
    await node.stop();
    throw e;
  } finally {
    provider.destroy();
  }
}
