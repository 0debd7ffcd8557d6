/**
 * A Lambda bundle built exactly as deployed (lib/bundling.ts: the AWS SDK bundled, the
 * stand-ins of lib/bundle-shims/) runs in a fresh Node process against DynamoDB Local:
 * credentials come from the environment as in Lambda, HTTP goes through the node:http
 * stand-in, and the packages the stand-ins replace are not in the bundle.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { inject, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../lib/bundling.ts';
import { AUTHORIZER } from '../../../functions/definitions/authorizer.ts';
import { createKey } from '../../../functions/platform/auth/keys.ts';
import { gte } from '../../../lib/bundle-shims/semver.ts';
import { testEnv, type TestEnv } from '../../support/runtime.ts';

const run = promisify(execFile);
let env: TestEnv;
let dir: string;
let bundle: string;

const INVOKE = `
const { handler } = await import(process.argv[2]);
const out = await handler({ type: 'REQUEST', headers: { 'x-api-key': process.argv[3] }, requestContext: {} });
process.stdout.write(JSON.stringify(out));
`;

beforeAll(async () => {
  env = await testEnv();
  dir = mkdtempSync(join(tmpdir(), 'vracu-bundle-'));
  bundle = join(dir, 'index.mjs');
  await build(esbuildOptions(AUTHORIZER.entry, bundle, false));
  writeFileSync(join(dir, 'invoke.mjs'), INVOKE);
}, 60_000);

function lambdaEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    VRACU_STAGE: 'test',
    VRACU_TABLE_PREFIX: env.prefix,
    // The SDK's own endpoint setting, not DYNAMODB_ENDPOINT (which brings fixed local
    // credentials): the client is built as in Lambda and asks the default provider.
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extra,
  };
}

describe('a deployed-shape bundle', () => {
  it('authorizes a key from DynamoDB Local with credentials from the environment', async () => {
    const key = await createKey({ doc: env.rt.doc, table: env.rt.table('auth'), clock: env.clock, ids: env.rt.ids }, { roles: ['buyer'] });
    const creds = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: 'local' };
    const { stdout } = await run(process.execPath, [join(dir, 'invoke.mjs'), bundle, key.secret], { env: lambdaEnv(creds) });
    expect(JSON.parse(stdout)).toEqual({
      isAuthorized: true,
      context: { authenticated: 'true', principalId: key.principal.id, tenant: key.principal.tenant, roles: 'buyer', keyId: key.principal.keyId },
    });
  });

  it('looks nowhere else for credentials: without them in the environment the call fails', async () => {
    const key = await createKey({ doc: env.rt.doc, table: env.rt.table('auth'), clock: env.clock, ids: env.rt.ids }, { roles: ['buyer'] });
    const failed = await run(process.execPath, [join(dir, 'invoke.mjs'), bundle, key.secret], { env: lambdaEnv({ HOME: dir }) }).then(
      (r) => `succeeded: ${r.stdout}`,
      (e: { stderr: string }) => e.stderr,
    );
    expect(failed).toMatch(/Unable to find environment variable credentials|Could not load credentials/);
  });

  it('carries the stand-ins, not the packages they replace', () => {
    const map = readFileSync(`${bundle}.map`, 'utf8');
    expect(map).toContain('lib/bundle-shims/aws-credentials.ts');
    expect(map).toContain('lib/bundle-shims/node-http.cjs');
    expect(map).not.toMatch(/credential-provider-(ini|sso|process|web-identity)|nested-clients|node_modules\/semver\//);
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from\s*"node:https?"/);
  });
});

describe('the semver stand-in', () => {
  it.each([
    ['2.7.15', '2.7.15', true],
    ['2.1000.0', '2.7.15', true],
    ['2.7.9', '2.7.15', false],
    ['v3.0.0', '2.99.99', true],
    ['1.9.9-beta.1', '2.0.0', false],
  ])('gte(%s, %s) = %s', (a, b, want) => {
    expect(gte(a, b)).toBe(want);
  });
});
