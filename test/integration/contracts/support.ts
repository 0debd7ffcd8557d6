/**
 * Contract tests run on a real EVM (anvil, one node per test file) through ethers, with a
 * snapshot taken after the fixture and restored before every test, so each test starts from
 * the same chain state whatever ran before it.
 */
import { AbiCoder, Interface, Wallet, type Contract, type ContractTransactionResponse, type JsonRpcProvider, type Log } from 'ethers';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ConversionRouterArtifact, MockAVLArtifact, MockERC20Artifact, MockPriceOracleArtifact } from '../../../contracts/artifacts.ts';
import { deploy, devKey, localProvider, startAnvil, type AnvilNode } from '../../../local/chain.ts';

export const ONE = 10n ** 18n;
/** Where conversions pay in these tests: an address with no key, so it never sends anything itself. */
export const RECIPIENT = '0x000000000000000000000000000000000000bEEF';
export const ZERO = '0x0000000000000000000000000000000000000000';

/** Every error the router or the mock tokens can revert with, for decoding revert data. */
const ERRORS = new Interface(
  [...ConversionRouterArtifact.abi, ...MockERC20Artifact.abi, ...MockAVLArtifact.abi, ...MockPriceOracleArtifact.abi]
    .filter((f) => f.type === 'error')
    .filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i) as never,
);
const ERROR_STRING = '0x08c379a0';

/**
 * The revert of a call that must fail, as text: the message of `require(..., "msg")`, or a
 * custom error with its arguments, `Name(arg, …)`. Throws if the call succeeded, or failed
 * without revert data (which would hide the reason).
 */
export async function revertOf(call: Promise<unknown>): Promise<string> {
  let err: unknown;
  try {
    await call;
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error('expected a revert, but the call succeeded');
  const e = err as { data?: unknown; info?: { error?: { data?: unknown } } };
  const data = typeof e.data === 'string' ? e.data : e.info?.error?.data;
  if (typeof data !== 'string' || data.length < 10) throw err;
  if (data.startsWith(ERROR_STRING)) return AbiCoder.defaultAbiCoder().decode(['string'], `0x${data.slice(10)}`)[0] as string;
  const parsed = ERRORS.parseError(data);
  if (!parsed) throw err;
  return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(', ')})`;
}

/** The logs of `tx` that `c` emitted, decoded, in order. */
export async function eventsOf(c: Contract, tx: ContractTransactionResponse): Promise<{ name: string; args: string[] }[]> {
  const receipt = await tx.wait();
  const address = (await c.getAddress()).toLowerCase();
  return (receipt?.logs ?? [])
    .filter((l: Log) => l.address.toLowerCase() === address)
    .map((l: Log) => c.interface.parseLog(l)!)
    .map((p) => ({ name: p.name, args: p.args.map((a: unknown) => String(a)) }));
}

/** Sends and waits: the transaction was mined and succeeded. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionResponse> {
  const t = await tx;
  await t.wait();
  return t;
}

export interface Accounts {
  admin: Wallet;
  operator: Wallet;
  reserve: Wallet;
  burnAgent: Wallet;
  pauser: Wallet;
  stranger: Wallet;
}

export interface Fixture {
  provider: JsonRpcProvider;
  accounts: Accounts;
  avl: Contract;
  acu: Contract;
  oracle: Contract;
  router: Contract;
  addresses: { avl: string; acu: string; oracle: string; router: string };
  spendLimit: bigint;
  OPERATOR_ROLE: string;
  PAUSER_ROLE: string;
  DEFAULT_ADMIN_ROLE: string;
}

/** Connects a contract to another signer, keeping the Contract type. */
export const as = (c: Contract, signer: Wallet): Contract => c.connect(signer) as Contract;

/**
 * One anvil for the file; the router deployed with a 1,000 ACU spend limit, the operator holding
 * 1,000 AVL and approved nothing, the reserve holding 1,000 ACU approved to the router, the
 * oracle at 2 AVL per ACU, PAUSER_ROLE on its own account (not the admin's).
 */
export function useRouterFixture(): { get(): Fixture } {
  let node: AnvilNode | undefined;
  let fx: Fixture | undefined;
  let snapshot = '';
  beforeAll(async () => {
    node = await startAnvil();
    const provider = localProvider(node.rpcUrl);
    const [admin, operator, reserve, burnAgent, pauser, stranger] = [0, 1, 2, 3, 4, 5].map((i) => new Wallet(devKey(i), provider)) as [
      Wallet,
      Wallet,
      Wallet,
      Wallet,
      Wallet,
      Wallet,
    ];
    const spendLimit = 1_000n * ONE;
    const avl = await deploy(MockAVLArtifact, admin, 18);
    const acu = await deploy(MockERC20Artifact, admin, 'Mock ACU', 'ACU', 18);
    const oracle = await deploy(MockPriceOracleArtifact, admin, 2n, 1n);
    const addresses = { avl: await avl.getAddress(), acu: await acu.getAddress(), oracle: await oracle.getAddress(), router: '' };
    const router = await deploy(
      ConversionRouterArtifact,
      admin,
      addresses.avl,
      addresses.acu,
      addresses.oracle,
      burnAgent.address,
      reserve.address,
      spendLimit,
      admin.address,
    );
    addresses.router = await router.getAddress();
    const OPERATOR_ROLE = (await router.getFunction('OPERATOR_ROLE')()) as string;
    const PAUSER_ROLE = (await router.getFunction('PAUSER_ROLE')()) as string;
    const DEFAULT_ADMIN_ROLE = (await router.getFunction('DEFAULT_ADMIN_ROLE')()) as string;
    await mined(avl.getFunction('setBurner')(addresses.router));
    await mined(router.getFunction('grantRole')(OPERATOR_ROLE, operator.address));
    await mined(router.getFunction('grantRole')(PAUSER_ROLE, pauser.address));
    await mined(avl.getFunction('mint')(operator.address, 1_000n * ONE));
    await mined(acu.getFunction('mint')(reserve.address, 1_000n * ONE));
    await mined(as(acu, reserve).getFunction('approve')(addresses.router, 1_000n * ONE));
    const accounts = { admin, operator, reserve, burnAgent, pauser, stranger };
    fx = { provider, accounts, avl, acu, oracle, router, addresses, spendLimit, OPERATOR_ROLE, PAUSER_ROLE, DEFAULT_ADMIN_ROLE };
    snapshot = (await provider.send('evm_snapshot', [])) as string;
  });
  beforeEach(async () => {
    if (!fx) return;
    // anvil drops a snapshot once reverted to: take a new one for the next test.
    if (!(await fx.provider.send('evm_revert', [snapshot]))) throw new Error('evm_revert failed');
    snapshot = (await fx.provider.send('evm_snapshot', [])) as string;
  });
  afterAll(async () => {
    fx?.provider.destroy();
    await node?.stop();
  });
  return {
    get() {
      if (!fx) throw new Error('fixture not ready');
      return fx;
    },
  };
}
