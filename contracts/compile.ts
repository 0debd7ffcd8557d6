/**
 * Compiles the contracts with solc-js (in-process, no compiler download) and writes one JSON
 * artifact per contract to `contracts/build/`. The artifacts are checked in: the wallet and the
 * local chain read them without a compiler, and test/integration/contracts/artifacts.test.ts
 * recompiles and fails when they differ from the sources.
 *
 *   npm run contracts:build
 */
import { readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const BUILD_DIR = join(REPO_ROOT, 'contracts', 'build');

/**
 * Source units by repo-relative name: solc records these names (not absolute paths) in the
 * metadata whose hash ends the bytecode, so the output is the same wherever the repo lives.
 */
const SOURCES = ['contracts/ConversionRouter.sol', 'contracts/mocks/MockERC20.sol', 'contracts/mocks/MockAVL.sol', 'contracts/mocks/MockPriceOracle.sol'];

/** The contracts written out, with the source unit that defines each. Interfaces have an ABI and no bytecode. */
export const ARTIFACT_SOURCES: Record<string, string> = {
  ConversionRouter: 'contracts/ConversionRouter.sol',
  MockERC20: 'contracts/mocks/MockERC20.sol',
  MockAVL: 'contracts/mocks/MockAVL.sol',
  MockPriceOracle: 'contracts/mocks/MockPriceOracle.sol',
  IPriceOracle: 'contracts/interfaces/IPriceOracle.sol',
  IERC20: '@openzeppelin/contracts/token/ERC20/IERC20.sol',
};

/**
 * Pinned so the build does not drift with solc's default (0.8.37 targets osaka): prague is what
 * the local node runs (`anvil --hardfork prague`, local/chain.ts) and what current L2s accept.
 */
export const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'prague',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const;

export interface Artifact {
  contractName: string;
  sourceName: string;
  compiler: string;
  evmVersion: string;
  abi: unknown[];
  /** Creation bytecode, 0x-prefixed; "0x" for an interface. */
  bytecode: string;
}

export class CompileError extends Error {
  constructor(readonly messages: string[]) {
    super(`solc failed:\n${messages.join('\n')}`);
    this.name = 'CompileError';
  }
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

/** Repo files by their source unit name; everything else (OpenZeppelin) from node_modules. */
function readImport(path: string): { contents: string } | { error: string } {
  try {
    const file = path.startsWith('contracts/') ? join(REPO_ROOT, path) : require.resolve(path);
    return { contents: readFileSync(file, 'utf8') };
  } catch (e) {
    return { error: `cannot read ${path}: ${(e as Error).message}` };
  }
}

/** Compiles every source and returns the artifacts by contract name. Warnings fail the build too. */
export function compileContracts(): Record<string, Artifact> {
  const solc = require('solc') as { version(): string; compile(input: string, cb: { import: typeof readImport }): string };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(SOURCES.map((s) => [s, { content: readFileSync(join(REPO_ROOT, s), 'utf8') }])),
    settings: SETTINGS,
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const problems = (out.errors ?? []).filter((e) => e.severity !== 'info').map((e) => e.formattedMessage);
  if (problems.length > 0) throw new CompileError(problems);
  const compiler = `solc-js ${solc.version()}`;
  const artifacts: Record<string, Artifact> = {};
  for (const [contractName, sourceName] of Object.entries(ARTIFACT_SOURCES)) {
    const c = out.contracts?.[sourceName]?.[contractName];
    if (!c) throw new CompileError([`no output for ${contractName} in ${sourceName}`]);
    artifacts[contractName] = { contractName, sourceName, compiler, evmVersion: SETTINGS.evmVersion, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  }
  return artifacts;
}

/** The files of `contracts/build/`, exactly as written: name → text. */
export function renderArtifacts(artifacts: Record<string, Artifact>): Record<string, string> {
  return Object.fromEntries(Object.values(artifacts).map((a) => [`${a.contractName}.json`, `${JSON.stringify(a, null, 2)}\n`]));
}

function main(): void {
  const t0 = performance.now();
  const files = renderArtifacts(compileContracts());
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const f of readdirSync(BUILD_DIR)) if (!(f in files)) rmSync(join(BUILD_DIR, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(BUILD_DIR, name), text);
  console.log(`compiled ${Object.keys(files).length} artifacts into contracts/build in ${Math.round(performance.now() - t0)} ms`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
