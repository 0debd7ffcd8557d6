/**
 * The checked-in artifacts are the sources' build: this recompiles with solc-js and compares
 * byte for byte. When it fails, run `npm run contracts:build` and commit contracts/build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, type InterfaceAbi } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ConversionRouterArtifact } from '../../../contracts/artifacts.ts';
import { BUILD_DIR, compileContracts, renderArtifacts } from '../../../contracts/compile.ts';

describe('contracts/build', () => {
  it('matches a fresh compile of the sources', () => {
    const fresh = renderArtifacts(compileContracts());
    expect(readdirSync(BUILD_DIR).sort()).toEqual(Object.keys(fresh).sort());
    for (const [name, text] of Object.entries(fresh)) {
      expect(readFileSync(join(BUILD_DIR, name), 'utf8'), `${name} is stale: run npm run contracts:build`).toBe(text);
    }
  });

  it("has the seed's interface: the conversion, the setters, pause, the three events", () => {
    const iface = new Interface(ConversionRouterArtifact.abi as InterfaceAbi);
    const sig = (name: string) => iface.getFunction(name)!.format('sighash');
    expect(sig('burnAVLForACU')).toBe('burnAVLForACU(uint256,address)');
    expect(iface.getFunction('burnAVLForACU')!.outputs.map((o) => o.type)).toEqual(['uint256']);
    expect(['setReserve', 'setSpendLimit', 'pause', 'unpause'].map(sig)).toEqual(['setReserve(address)', 'setSpendLimit(uint256)', 'pause()', 'unpause()']);
    expect(['ConversionExecuted', 'SpendLimitUpdated', 'ReserveUpdated'].map((e) => iface.getEvent(e)!.format('full'))).toEqual([
      'event ConversionExecuted(address indexed operator, address indexed recipient, uint256 acuAmount, uint256 avlBurned)',
      'event SpendLimitUpdated(uint256 oldLimit, uint256 newLimit)',
      'event ReserveUpdated(address indexed oldReserve, address indexed newReserve)',
    ]);
    for (const v of ['avl', 'acu', 'oracle', 'burnAgent', 'reserve', 'acuSpendLimit', 'acuSpent', 'OPERATOR_ROLE', 'PAUSER_ROLE', 'DEFAULT_ADMIN_ROLE']) {
      expect(iface.getFunction(v)?.stateMutability, v).toBe('view');
    }
  });
});
