/**
 * ConversionRouter on a real EVM: every require of the seed with its message, the OpenZeppelin
 * custom errors (roles, pause, SafeERC20, the tokens' own), the oracle's quote, the spend
 * limit, the setters and their events.
 */
import { ContractFactory, MaxUint256, type InterfaceAbi } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ConversionRouterArtifact } from '../../../contracts/artifacts.ts';
import { as, eventsOf, mined, ONE, RECIPIENT, revertOf, useRouterFixture, ZERO } from './support.ts';

const f = useRouterFixture();

/** The operator approves the router for `avl` (all it holds by default). */
async function approveAvl(avl = MaxUint256): Promise<void> {
  const { avl: token, accounts, addresses } = f.get();
  await mined(as(token, accounts.operator).getFunction('approve')(addresses.router, avl));
}

const bal = async (token: 'avl' | 'acu', who: string): Promise<bigint> => (await f.get()[token].getFunction('balanceOf')(who)) as bigint;

describe('deployment', () => {
  const params = ['avl', 'acu', 'oracle', 'burnAgent', 'reserve', 'admin'] as const;
  const messages = { avl: 'zero avl', acu: 'zero acu', oracle: 'zero oracle', burnAgent: 'zero burn agent', reserve: 'zero reserve', admin: 'zero admin' };

  it.each(params)('refuses a zero %s address', async (zeroed) => {
    const { accounts, addresses } = f.get();
    const args = {
      avl: addresses.avl,
      acu: addresses.acu,
      oracle: addresses.oracle,
      burnAgent: accounts.burnAgent.address,
      reserve: accounts.reserve.address,
      admin: accounts.admin.address,
      [zeroed]: ZERO,
    };
    const factory = new ContractFactory(ConversionRouterArtifact.abi as InterfaceAbi, ConversionRouterArtifact.bytecode, accounts.admin);
    const tx = await factory.getDeployTransaction(args.avl, args.acu, args.oracle, args.burnAgent, args.reserve, 1n, args.admin);
    expect(await revertOf(accounts.admin.estimateGas(tx))).toBe(messages[zeroed]);
  });

  it('refuses several zero addresses with the first check: avl before admin', async () => {
    const { accounts, addresses } = f.get();
    const factory = new ContractFactory(ConversionRouterArtifact.abi as InterfaceAbi, ConversionRouterArtifact.bytecode, accounts.admin);
    const tx = await factory.getDeployTransaction(ZERO, addresses.acu, addresses.oracle, accounts.burnAgent.address, accounts.reserve.address, 1n, ZERO);
    expect(await revertOf(accounts.admin.estimateGas(tx))).toBe('zero avl');
  });

  it('stores the immutables and the initial state, and announces the reserve and the limit', async () => {
    const { router, accounts, addresses, spendLimit, DEFAULT_ADMIN_ROLE, OPERATOR_ROLE, PAUSER_ROLE } = f.get();
    const read = (name: string, ...args: unknown[]) => router.getFunction(name)(...args);
    expect(await read('avl')).toBe(addresses.avl);
    expect(await read('acu')).toBe(addresses.acu);
    expect(await read('oracle')).toBe(addresses.oracle);
    expect(await read('burnAgent')).toBe(accounts.burnAgent.address);
    expect(await read('reserve')).toBe(accounts.reserve.address);
    expect(await read('acuSpendLimit')).toBe(spendLimit);
    expect(await read('acuSpent')).toBe(0n);
    expect(await read('paused')).toBe(false);
    expect(await read('hasRole', DEFAULT_ADMIN_ROLE, accounts.admin.address)).toBe(true);
    expect(await read('getRoleAdmin', OPERATOR_ROLE)).toBe(DEFAULT_ADMIN_ROLE);
    expect(await read('getRoleAdmin', PAUSER_ROLE)).toBe(DEFAULT_ADMIN_ROLE);
    // The admin holds no other role unless granted one.
    expect(await read('hasRole', OPERATOR_ROLE, accounts.admin.address)).toBe(false);
    expect(await read('hasRole', PAUSER_ROLE, accounts.admin.address)).toBe(false);

    const deployTx = router.deploymentTransaction()!;
    const names = (await eventsOf(router, deployTx as never)).map((e) => `${e.name}(${e.args.join(', ')})`);
    expect(names).toEqual([
      `RoleGranted(${DEFAULT_ADMIN_ROLE}, ${accounts.admin.address}, ${accounts.admin.address})`,
      `RoleAdminChanged(${OPERATOR_ROLE}, ${DEFAULT_ADMIN_ROLE}, ${DEFAULT_ADMIN_ROLE})`,
      `RoleAdminChanged(${PAUSER_ROLE}, ${DEFAULT_ADMIN_ROLE}, ${DEFAULT_ADMIN_ROLE})`,
      `ReserveUpdated(${ZERO}, ${accounts.reserve.address})`,
      `SpendLimitUpdated(0, ${spendLimit})`,
    ]);
  });
});

describe('burnAVLForACU', () => {
  it('burns the quoted AVL, pays the ACU from the reserve, counts it and says so', async () => {
    const { router, avl, accounts } = f.get();
    await approveAvl();
    const amount = 10n * ONE;
    const quote = 20n * ONE; // 2 AVL per ACU
    const supplyBefore = (await avl.getFunction('totalSupply')()) as bigint;
    const r = as(router, accounts.operator);
    expect(await r.getFunction('burnAVLForACU').staticCall(amount, RECIPIENT)).toBe(quote);
    const tx = await mined(r.getFunction('burnAVLForACU')(amount, RECIPIENT));

    expect(await bal('avl', accounts.operator.address)).toBe(1_000n * ONE - quote);
    expect(await bal('avl', accounts.burnAgent.address)).toBe(0n);
    expect(await avl.getFunction('totalSupply')()).toBe(supplyBefore - quote);
    expect(await bal('acu', accounts.reserve.address)).toBe(1_000n * ONE - amount);
    expect(await bal('acu', RECIPIENT)).toBe(amount);
    expect(await router.getFunction('acuSpent')()).toBe(amount);
    expect(await eventsOf(router, tx)).toEqual([{ name: 'ConversionExecuted', args: [accounts.operator.address, RECIPIENT, String(amount), String(quote)] }]);
  });

  it('moves AVL operator → burn agent, then burns it there', async () => {
    const { router, avl, accounts } = f.get();
    await approveAvl();
    const tx = await mined(as(router, accounts.operator).getFunction('burnAVLForACU')(ONE, RECIPIENT));
    expect((await eventsOf(avl, tx)).filter((e) => e.name === 'Transfer')).toEqual([
      { name: 'Transfer', args: [accounts.operator.address, accounts.burnAgent.address, String(2n * ONE)] },
      { name: 'Transfer', args: [accounts.burnAgent.address, ZERO, String(2n * ONE)] },
    ]);
  });

  it.each([
    // [num, den, ACU base units, AVL quoted]: quote = ceil(amount × num / den)
    [5n, 2n, 3n, 8n],
    [5n, 2n, 4n, 10n],
    [1n, 3n, 1n, 1n],
    [1n, 1_000_000n, 1_000_001n, 2n],
  ])('burns exactly the oracle quote at %i/%i: %i ACU base units cost %i AVL base units', async (num, den, amount, quote) => {
    const { router, oracle, accounts } = f.get();
    await mined(oracle.getFunction('setRate')(num, den));
    await approveAvl();
    expect(await oracle.getFunction('quoteAVLforACU')(amount)).toBe(quote);
    const tx = await mined(as(router, accounts.operator).getFunction('burnAVLForACU')(amount, RECIPIENT));
    expect((await eventsOf(router, tx))[0]!.args).toEqual([accounts.operator.address, RECIPIENT, String(amount), String(quote)]);
    expect(await bal('avl', accounts.operator.address)).toBe(1_000n * ONE - quote);
  });

  it('counts conversions against the limit: up to the limit exactly, then not one base unit more', async () => {
    const { router, accounts } = f.get();
    await approveAvl();
    await mined(router.getFunction('setSpendLimit')(100n));
    const r = as(router, accounts.operator);
    await mined(r.getFunction('burnAVLForACU')(60n, RECIPIENT));
    await mined(r.getFunction('burnAVLForACU')(40n, RECIPIENT));
    expect(await router.getFunction('acuSpent')()).toBe(100n);
    expect(await revertOf(r.getFunction('burnAVLForACU').staticCall(1n, RECIPIENT))).toBe('spend limit');
  });

  it('a limit lowered below what was spent stops further conversions and leaves the past alone', async () => {
    const { router, accounts } = f.get();
    await approveAvl();
    const r = as(router, accounts.operator);
    await mined(r.getFunction('burnAVLForACU')(50n, RECIPIENT));
    await mined(router.getFunction('setSpendLimit')(10n));
    expect(await router.getFunction('acuSpent')()).toBe(50n);
    expect(await revertOf(r.getFunction('burnAVLForACU').staticCall(1n, RECIPIENT))).toBe('spend limit');
  });

  type Setup = (fx: ReturnType<typeof f.get>) => Promise<void>;
  const pause: Setup = async ({ router, accounts }) => void (await mined(as(router, accounts.pauser).getFunction('pause')()));
  const none: Setup = async () => {};
  interface Row {
    name: string;
    setup: Setup;
    caller?: 'operator' | 'stranger' | 'admin';
    amount?: bigint;
    recipient?: string;
    expected: (fx: ReturnType<typeof f.get>) => string;
  }
  const rows: Row[] = [
    { name: 'paused', setup: pause, expected: () => 'EnforcedPause()' },
    { name: 'paused, and the caller is no operator: the pause is checked first', setup: pause, caller: 'stranger', expected: () => 'EnforcedPause()' },
    { name: 'the caller is no operator', setup: none, caller: 'stranger', expected: () => 'not operator' },
    { name: 'the admin is no operator either', setup: none, caller: 'admin', expected: () => 'not operator' },
    { name: 'no operator and a zero amount: the role is checked first', setup: none, caller: 'stranger', amount: 0n, expected: () => 'not operator' },
    { name: 'zero recipient', setup: none, recipient: ZERO, expected: () => 'zero recipient' },
    { name: 'zero recipient and zero amount: the recipient is checked first', setup: none, recipient: ZERO, amount: 0n, expected: () => 'zero recipient' },
    { name: 'zero amount', setup: none, amount: 0n, expected: () => 'zero amount' },
    { name: 'over the spend limit', setup: none, amount: 1_000n * ONE + 1n, expected: () => 'spend limit' },
    {
      name: 'the oracle quotes zero',
      setup: async ({ oracle }) => void (await mined(oracle.getFunction('setRate')(0n, 1n))),
      expected: () => 'zero quote',
    },
    {
      name: 'the operator approved no AVL',
      setup: async ({ avl, accounts, addresses }) => void (await mined(as(avl, accounts.operator).getFunction('approve')(addresses.router, 0n))),
      expected: ({ addresses }) => `ERC20InsufficientAllowance(${addresses.router}, 0, ${2n * ONE})`,
    },
    {
      name: 'the operator approved less AVL than the quote',
      setup: async ({ avl, accounts, addresses }) => void (await mined(as(avl, accounts.operator).getFunction('approve')(addresses.router, 2n * ONE - 1n))),
      expected: ({ addresses }) => `ERC20InsufficientAllowance(${addresses.router}, ${2n * ONE - 1n}, ${2n * ONE})`,
    },
    {
      name: 'the operator holds less AVL than the quote',
      setup: async ({ avl, accounts }) => void (await mined(as(avl, accounts.operator).getFunction('transfer')(accounts.stranger.address, 999n * ONE))),
      expected: ({ accounts }) => `ERC20InsufficientBalance(${accounts.operator.address}, ${ONE}, ${2n * ONE})`,
    },
    {
      name: 'the reserve approved less ACU than the amount',
      setup: async ({ acu, accounts, addresses }) => void (await mined(as(acu, accounts.reserve).getFunction('approve')(addresses.router, ONE - 1n))),
      expected: ({ addresses }) => `ERC20InsufficientAllowance(${addresses.router}, ${ONE - 1n}, ${ONE})`,
    },
    {
      name: 'the reserve holds less ACU than the amount',
      setup: async ({ acu, accounts }) => void (await mined(as(acu, accounts.reserve).getFunction('transfer')(accounts.stranger.address, 1_000n * ONE))),
      expected: ({ accounts }) => `ERC20InsufficientBalance(${accounts.reserve.address}, 0, ${ONE})`,
    },
    {
      name: 'the ACU token returns false instead of moving',
      setup: async ({ acu }) => void (await mined(acu.getFunction('setReturnFalse')(true))),
      expected: ({ addresses }) => `SafeERC20FailedOperation(${addresses.acu})`,
    },
    {
      name: 'the AVL token returns false instead of moving',
      setup: async ({ avl }) => void (await mined(avl.getFunction('setReturnFalse')(true))),
      expected: ({ addresses }) => `SafeERC20FailedOperation(${addresses.avl})`,
    },
    {
      name: 'the AVL token does not let the router burn',
      setup: async ({ avl, accounts }) => void (await mined(avl.getFunction('setBurner')(accounts.stranger.address))),
      expected: () => 'not burner',
    },
  ];

  it.each(rows.map((r) => [r.name, r] as const))('refuses when %s', async (_name, row) => {
    const fx = f.get();
    await approveAvl();
    await row.setup(fx);
    const caller = fx.accounts[row.caller ?? 'operator'];
    const call = as(fx.router, caller).getFunction('burnAVLForACU');
    const args = [row.amount ?? ONE, row.recipient ?? RECIPIENT] as const;
    const expected = row.expected(fx);
    expect(await revertOf(call.staticCall(...args))).toBe(expected);
    // Sending it fails the same way at gas estimation, before anything is broadcast.
    expect(await revertOf(call(...args))).toBe(expected);
  });

  it('a conversion mined despite failing leaves nothing changed (and carries no revert data)', async () => {
    const { router, accounts, provider } = f.get();
    // No AVL approved. An explicit gas limit skips estimation, so the transaction is mined and reverts.
    const before = await provider.getBlockNumber();
    const tx = await as(router, accounts.operator).getFunction('burnAVLForACU')(ONE, RECIPIENT, { gasLimit: 300_000n });
    await expect(tx.wait()).rejects.toMatchObject({ code: 'CALL_EXCEPTION', receipt: { status: 0 } });
    expect(await provider.getBlockNumber()).toBe(before + 1);
    expect(await router.getFunction('acuSpent')()).toBe(0n);
    expect(await bal('acu', RECIPIENT)).toBe(0n);
    expect(await bal('avl', accounts.operator.address)).toBe(1_000n * ONE);
  });
});

describe('setters', () => {
  it('the admin sets the spend limit, with the old and new values in the event', async () => {
    const { router, spendLimit } = f.get();
    const tx = await mined(router.getFunction('setSpendLimit')(5n));
    expect(await eventsOf(router, tx)).toEqual([{ name: 'SpendLimitUpdated', args: [String(spendLimit), '5'] }]);
    expect(await router.getFunction('acuSpendLimit')()).toBe(5n);
  });

  it('the admin moves the reserve; conversions then draw on the new one', async () => {
    const { router, acu, accounts, addresses } = f.get();
    const next = accounts.stranger;
    await mined(acu.getFunction('mint')(next.address, 3n * ONE));
    await mined(as(acu, next).getFunction('approve')(addresses.router, MaxUint256));
    const tx = await mined(router.getFunction('setReserve')(next.address));
    expect(await eventsOf(router, tx)).toEqual([{ name: 'ReserveUpdated', args: [accounts.reserve.address, next.address] }]);
    expect(await router.getFunction('reserve')()).toBe(next.address);
    await approveAvl();
    await mined(as(router, accounts.operator).getFunction('burnAVLForACU')(ONE, RECIPIENT));
    expect(await bal('acu', next.address)).toBe(2n * ONE);
    expect(await bal('acu', accounts.reserve.address)).toBe(1_000n * ONE);
  });

  it('refuses a zero reserve', async () => {
    expect(await revertOf(f.get().router.getFunction('setReserve').staticCall(ZERO))).toBe('zero reserve');
  });

  it.each(['operator', 'pauser', 'stranger'] as const)('refuses both setters to the %s (not an admin)', async (who) => {
    const { router, accounts, DEFAULT_ADMIN_ROLE } = f.get();
    const r = as(router, accounts[who]);
    const err = `AccessControlUnauthorizedAccount(${accounts[who].address}, ${DEFAULT_ADMIN_ROLE})`;
    expect(await revertOf(r.getFunction('setSpendLimit').staticCall(1n))).toBe(err);
    expect(await revertOf(r.getFunction('setReserve').staticCall(accounts.stranger.address))).toBe(err);
    // Not an admin and a zero reserve: the role is checked first.
    expect(await revertOf(r.getFunction('setReserve').staticCall(ZERO))).toBe(err);
  });
});

describe('pause', () => {
  it('the pauser pauses and unpauses; conversions stop and resume', async () => {
    const { router, accounts } = f.get();
    await approveAvl();
    const p = as(router, accounts.pauser);
    const paused = await mined(p.getFunction('pause')());
    expect(await eventsOf(router, paused)).toEqual([{ name: 'Paused', args: [accounts.pauser.address] }]);
    expect(await router.getFunction('paused')()).toBe(true);
    expect(await revertOf(as(router, accounts.operator).getFunction('burnAVLForACU').staticCall(ONE, RECIPIENT))).toBe('EnforcedPause()');
    const unpaused = await mined(p.getFunction('unpause')());
    expect(await eventsOf(router, unpaused)).toEqual([{ name: 'Unpaused', args: [accounts.pauser.address] }]);
    await mined(as(router, accounts.operator).getFunction('burnAVLForACU')(ONE, RECIPIENT));
    expect(await bal('acu', RECIPIENT)).toBe(ONE);
  });

  it('a second pause is refused at once, and so is an unpause of a running router', async () => {
    // With ethers' default 250 ms cache this second estimate came back stale and the send failed
    // without revert data (DEPENDENCIES.md §0.8); localProvider turns the cache off.
    const { router, accounts } = f.get();
    const p = as(router, accounts.pauser);
    expect(await revertOf(p.getFunction('unpause')())).toBe('ExpectedPause()');
    await mined(p.getFunction('pause')());
    expect(await revertOf(p.getFunction('pause')())).toBe('EnforcedPause()');
  });

  it.each(['admin', 'operator', 'stranger'] as const)('refuses pause and unpause to the %s', async (who) => {
    const { router, accounts, PAUSER_ROLE } = f.get();
    const r = as(router, accounts[who]);
    const err = `AccessControlUnauthorizedAccount(${accounts[who].address}, ${PAUSER_ROLE})`;
    expect(await revertOf(r.getFunction('pause').staticCall())).toBe(err);
    await mined(as(router, accounts.pauser).getFunction('pause')());
    expect(await revertOf(r.getFunction('unpause').staticCall())).toBe(err);
  });
});

describe('roles', () => {
  it('the admin grants and revokes the operator role', async () => {
    const { router, accounts, OPERATOR_ROLE } = f.get();
    const newcomer = accounts.stranger;
    const r = as(router, newcomer);
    expect(await revertOf(r.getFunction('burnAVLForACU').staticCall(ONE, RECIPIENT))).toBe('not operator');
    const granted = await mined(router.getFunction('grantRole')(OPERATOR_ROLE, newcomer.address));
    expect(await eventsOf(router, granted)).toEqual([{ name: 'RoleGranted', args: [OPERATOR_ROLE, newcomer.address, accounts.admin.address] }]);
    // Allowed now: what stops it is the AVL it has not got.
    expect(await revertOf(r.getFunction('burnAVLForACU').staticCall(ONE, RECIPIENT))).toMatch(/^ERC20InsufficientAllowance/);
    await mined(router.getFunction('revokeRole')(OPERATOR_ROLE, newcomer.address));
    expect(await revertOf(r.getFunction('burnAVLForACU').staticCall(ONE, RECIPIENT))).toBe('not operator');
  });

  it('an operator can renounce its own role, and only its own', async () => {
    const { router, accounts, OPERATOR_ROLE } = f.get();
    const op = as(router, accounts.operator);
    expect(await revertOf(op.getFunction('renounceRole').staticCall(OPERATOR_ROLE, accounts.admin.address))).toBe('AccessControlBadConfirmation()');
    await mined(op.getFunction('renounceRole')(OPERATOR_ROLE, accounts.operator.address));
    expect(await router.getFunction('hasRole')(OPERATOR_ROLE, accounts.operator.address)).toBe(false);
  });

  it.each(['operator', 'pauser', 'stranger'] as const)('refuses role changes to the %s', async (who) => {
    const { router, accounts, OPERATOR_ROLE, PAUSER_ROLE, DEFAULT_ADMIN_ROLE } = f.get();
    const r = as(router, accounts[who]);
    const err = `AccessControlUnauthorizedAccount(${accounts[who].address}, ${DEFAULT_ADMIN_ROLE})`;
    expect(await revertOf(r.getFunction('grantRole').staticCall(OPERATOR_ROLE, accounts.stranger.address))).toBe(err);
    expect(await revertOf(r.getFunction('grantRole').staticCall(PAUSER_ROLE, accounts[who].address))).toBe(err);
    expect(await revertOf(r.getFunction('revokeRole').staticCall(OPERATOR_ROLE, accounts.operator.address))).toBe(err);
  });
});
