/**
 * How every Lambda entry is bundled: one description read by the CDK function construct
 * (lib/constructs/function.ts) and by the cold-start bench (bench/cold.ts), so the sizes
 * and init times the bench reports are those of the code that is deployed.
 *
 * No aws-cdk-lib import here: the bench loads this file without the CDK.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** The repository root: function entries in the definitions are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Resolves a definition's `entry` (e.g. `functions/platform/handlers/health.ts`). */
export const entryPath = (entry: string): string => join(REPO_ROOT, entry);

/**
 * ESM output needs a `require` for the CommonJS modules esbuild inlines (Powertools'
 * X-Ray SDK, parts of the AWS SDK call `require('node:...')` dynamically).
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __vracuCreateRequire } from 'node:module'; const require = __vracuCreateRequire(import.meta.url);";

/**
 * The AWS SDK v3 is bundled (not left to the copy in the Lambda runtime): measured in
 * docs/performance.md, a bundled, tree-shaken, minified SDK initialises faster than the
 * runtime's unminified copy spread over many files, and pins the version we test with.
 * The bench also reports the size with the SDK left external.
 */
export const BUNDLE_AWS_SDK = true;

/**
 * Packages swapped for smaller stand-ins in Lambda bundles (paths relative to the
 * repository root, where esbuild runs). Each file in lib/bundle-shims/ says why; together
 * they take ≈ 150 KB and ≈ 50 ms off a cold start (docs/performance.md). Tests and the
 * local stack run the real packages; `test/integration/platform/bundle.test.ts` runs a
 * bundle with these stand-ins against DynamoDB Local.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './lib/bundle-shims/aws-credentials.ts',
  semver: './lib/bundle-shims/semver.ts',
  'node:http': './lib/bundle-shims/node-http.cjs',
  http: './lib/bundle-shims/node-http.cjs',
  'node:https': './lib/bundle-shims/node-https.cjs',
  https: './lib/bundle-shims/node-https.cjs',
};

/** The options both consumers translate: the CDK's BundlingOptions and esbuild's BuildOptions. */
export const BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourceMap: true,
  /** Keeps the .map small: stack traces need names and positions, not the sources. */
  sourcesContent: false,
  /** Prefer ES module builds of dependencies so esbuild can tree-shake them. */
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  externalModules: BUNDLE_AWS_SDK ? [] : ['@aws-sdk/*'],
  alias: BUNDLE_ALIASES,
} as const;

/** BUNDLING.alias as the CDK's `esbuildArgs` (`--alias:<package>=<path>`). */
export const ALIAS_ESBUILD_ARGS = { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) };

/** The environment that turns source maps on at runtime (stack traces point at .ts lines). */
export const SOURCE_MAP_ENV = { NODE_OPTIONS: '--enable-source-maps' } as const;

/**
 * The esbuild options equivalent to what the CDK's NodejsFunction passes on its esbuild
 * command line for BUNDLING (`--bundle --platform --format --target --minify --sourcemap
 * --sources-content --main-fields --banner:js --external --alias`). `externalSdk` overrides
 * BUNDLE_AWS_SDK, for comparing the two choices.
 */
export function esbuildOptions(entry: string, outfile: string, externalSdk = !BUNDLE_AWS_SDK): BuildOptions {
  return {
    entryPoints: [entryPath(entry)],
    outfile,
    bundle: true,
    platform: BUNDLING.platform,
    format: BUNDLING.format,
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    external: externalSdk ? ['@aws-sdk/*'] : [],
    // With the SDK external, the credentials stand-in would pull a copy of the SDK core in.
    alias: externalSdk ? Object.fromEntries(Object.entries(BUNDLE_ALIASES).filter(([k]) => !k.startsWith('@aws-sdk/'))) : { ...BUNDLE_ALIASES },
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
  };
}
