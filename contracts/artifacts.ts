/**
 * The compiled contracts (contracts/build, written by contracts/compile.ts and checked in), typed
 * once for the wallet, the local chain and the tests. Lambda code imports only what it calls.
 */
import conversionRouter from './build/ConversionRouter.json' with { type: 'json' };
import ierc20 from './build/IERC20.json' with { type: 'json' };
import ipriceOracle from './build/IPriceOracle.json' with { type: 'json' };
import mockAvl from './build/MockAVL.json' with { type: 'json' };
import mockErc20 from './build/MockERC20.json' with { type: 'json' };
import mockPriceOracle from './build/MockPriceOracle.json' with { type: 'json' };

/** An ABI in solc's JSON form, which ethers' Interface accepts as is. */
export type JsonAbi = readonly Record<string, unknown>[];

export interface ContractArtifact {
  contractName: string;
  abi: JsonAbi;
  /** Creation bytecode, 0x-prefixed; "0x" for an interface. */
  bytecode: string;
}

export const ConversionRouterArtifact: ContractArtifact = conversionRouter;
export const MockERC20Artifact: ContractArtifact = mockErc20;
export const MockAVLArtifact: ContractArtifact = mockAvl;
export const MockPriceOracleArtifact: ContractArtifact = mockPriceOracle;
export const IERC20Artifact: ContractArtifact = ierc20;
export const IPriceOracleArtifact: ContractArtifact = ipriceOracle;
