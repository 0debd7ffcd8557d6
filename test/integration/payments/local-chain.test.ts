/**
 * local/chain.ts: anvil starts on a loopback port, the contracts are deployed and wired, one
 * conversion goes through the wallet, and stop() leaves no process and nothing listening. A
 * chain kept in a data dir resumes with its contracts, blocks and logs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, type InterfaceAbi } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ConversionRouterArtifact, MockAVLArtifact, MockERC20Artifact } from '../../../contracts/artifacts.ts';
import { connectChainWallet, rpcSigner } from '../../../functions/payments/drivers/chain-wallet.ts';
import { devKey, localProvider, LOCAL_CHAIN_ID, startAnvil, startChain } from '../../../local/chain.ts';
import { isListening } from '../../../local/engines/ports.ts';

/** anvil processes this test process started and that are still alive (Linux /proc). */
function anvilChildren(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'anvil' && ppid === process.pid) out.push(Number(d));
    } catch {
      /* gone while reading */
    }
  }
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local chain', () => {
  it('starts, deploys, converts through the wallet, and stops leaving nothing behind', async () => {
    const chain = await startChain();
    const port = Number(new URL(chain.rpcUrl).port);
    const pids = anvilChildren();
    try {
      expect(new URL(chain.rpcUrl).hostname).toBe('127.0.0.1');
      expect(pids).toHaveLength(1);
      expect(chain.chainId).toBe(LOCAL_CHAIN_ID);
      expect(chain.walletKey).toBe(devKey(1));
      const provider = localProvider(chain.rpcUrl);
      const { addresses: a } = chain;
      for (const c of [a.avl, a.acu, a.oracle, a.router]) expect(await provider.getCode(c)).not.toBe('0x');
      const router = new Contract(a.router, ConversionRouterArtifact.abi as InterfaceAbi, provider);
      expect(await router.getFunction('hasRole')(await router.getFunction('OPERATOR_ROLE')(), a.operator)).toBe(true);
      expect(await router.getFunction('hasRole')(await router.getFunction('PAUSER_ROLE')(), a.admin)).toBe(true);
      expect(await router.getFunction('reserve')()).toBe(a.reserve);
      expect(await router.getFunction('burnAgent')()).toBe(a.burnAgent);
      const acu = new Contract(a.acu, MockERC20Artifact.abi as InterfaceAbi, provider);
      expect(await acu.getFunction('allowance')(a.reserve, a.router)).toBe(2n ** 256n - 1n);
      expect(await new Contract(a.avl, MockAVLArtifact.abi as InterfaceAbi, provider).getFunction('burner')()).toBe(a.router);

      const wallet = await connectChainWallet({ signer: rpcSigner(chain.rpcUrl, chain.walletKey, { chainId: chain.chainId }), routerAddress: a.router });
      const r = await wallet.convert({ microAcu: 42_000_000n });
      expect((await provider.getTransactionReceipt(r.txHash))?.status).toBe(1);
      expect(await acu.getFunction('balanceOf')(a.operator)).toBe(42n * 10n ** 18n);
      expect((await wallet.conversions({ fromBlock: 0, toBlock: r.blockNumber })).map((e) => e.txHash)).toEqual([r.txHash]);
      provider.destroy();
    } finally {
      await chain.stop();
    }
    expect(await isListening(port)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
    expect(anvilChildren()).toEqual([]);
    // stop() again does nothing and does not throw.
    await chain.stop();
  });

  it('two nodes started at once get two ports, and both stop', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(await isListening(a.port)).toBe(true);
      expect(await isListening(b.port)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect([await isListening(a.port), await isListening(b.port)]).toEqual([false, false]);
    expect([alive(a.pid), alive(b.pid)]).toEqual([false, false]);
  });

  it('a deployment that fails stops the node it started', async () => {
    // 300 decimals does not fit the mock's uint8: the first deployment throws.
    await expect(startChain({ decimals: 300 })).rejects.toThrow();
    expect(anvilChildren()).toEqual([]);
  });

  it('a chain is fresh each time: the same addresses, no conversions yet', async () => {
    const first = await startChain();
    await first.stop();
    const second = await startChain();
    try {
      expect(second.addresses).toEqual(first.addresses);
      const provider = localProvider(second.rpcUrl);
      const router = new Contract(second.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, provider);
      expect(await router.getFunction('acuSpent')()).toBe(0n);
      provider.destroy();
    } finally {
      await second.stop();
    }
  });

  it('a chain kept in a data dir resumes: the same contracts, the conversion and its log; without its state it starts afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-chain-kept-'));
    try {
      const first = await startChain({ dataDir: dir });
      expect(first.resumed).toBe(false);
      const wallet = await connectChainWallet({
        signer: rpcSigner(first.rpcUrl, first.walletKey, { chainId: first.chainId }),
        routerAddress: first.addresses.router,
      });
      const r = await wallet.convert({ microAcu: 42_000_000n });
      await first.stop();
      expect(JSON.parse(readFileSync(join(dir, 'deployment.json'), 'utf8'))).toEqual({ chainId: LOCAL_CHAIN_ID, addresses: first.addresses });

      const second = await startChain({ dataDir: dir });
      try {
        expect(second.resumed).toBe(true);
        expect(second.addresses).toEqual(first.addresses);
        const provider = localProvider(second.rpcUrl);
        expect(await provider.getBlockNumber()).toBeGreaterThanOrEqual(r.blockNumber);
        expect((await provider.getTransactionReceipt(r.txHash))?.status).toBe(1);
        const router = new Contract(second.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, provider);
        expect(await router.getFunction('acuSpent')()).toBe(42n * 10n ** 18n);
        const again = await connectChainWallet({
          signer: rpcSigner(second.rpcUrl, second.walletKey, { chainId: second.chainId }),
          routerAddress: second.addresses.router,
        });
        expect((await again.conversions({ fromBlock: 0, toBlock: r.blockNumber })).map((e) => e.txHash)).toEqual([r.txHash]);
        // The wallet's next transaction continues from the kept nonce.
        const next = await again.convert({ microAcu: 1_000_000n });
        expect(next.blockNumber).toBeGreaterThan(r.blockNumber);
        provider.destroy();
      } finally {
        await second.stop();
      }

      // The state gone (or a deployment for another chain): the contracts are deployed afresh.
      rmSync(join(dir, 'state.json'));
      const third = await startChain({ dataDir: dir });
      try {
        expect(third.resumed).toBe(false);
        const provider = localProvider(third.rpcUrl);
        expect(await new Contract(third.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, provider).getFunction('acuSpent')()).toBe(0n);
        provider.destroy();
      } finally {
        await third.stop();
      }
      writeFileSync(join(dir, 'deployment.json'), JSON.stringify({ chainId: 1, addresses: third.addresses }));
      const fourth = await startChain({ dataDir: dir });
      await fourth.stop();
      expect(fourth.resumed).toBe(false);
      expect(JSON.parse(readFileSync(join(dir, 'deployment.json'), 'utf8')).chainId).toBe(LOCAL_CHAIN_ID);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
