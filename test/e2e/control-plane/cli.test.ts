/** `vracu oracle|scheduler|metering ...` against the local stack, in people's words and with --json. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { joinTokenCreateRoute } from '../../../functions/providers/api.ts';
import { initNode } from '../../../sdk/provider/node.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let operator: string;
let provider: string;
/** A joined provider's node (its key and state, as `vracu-provider init` leaves them). */
let nodeDir: string;
let nodeKey: string;

beforeAll(async () => {
  stack = await startTestStack();
  operator = (await stack.admin.call(createKeyRoute, { body: { roles: ['operator'] } })).secret;
  provider = (await stack.admin.call(createKeyRoute, { body: { roles: ['provider'] } })).secret;
  const t = await stack.client(operator).call(joinTokenCreateRoute, { body: { policy: { gpuModels: ['H100'], regions: [], maxUnits: 8 }, ttlSec: 600 } });
  nodeDir = mkdtempSync(join(tmpdir(), 'vracu-node-'));
  const node = await initNode(nodeDir, { url: stack.url, token: t.token, name: 'meter-node', gpuModel: 'H100', region: 'us-east-1', units: 1, spotPrice: '1' });
  nodeKey = node.apiKey;
});
afterAll(async () => stack?.stop());

const vracu = (args: string[], key: string = operator): Promise<string> => runVracu(stack.url, key, args);

describe('vracu oracle', () => {
  it('demand, two offers, then the bucket clears at the marginal offer and price says the same', async () => {
    const demand = ['oracle', 'demand', '--gpu', 'H100', '--region', 'us-east-1', '--scm', '150', '--floor', '0.01', '--cap', '10', '--reserve-bps', '0'];
    expect(await vracu(demand)).toMatch(/^H100:us-east-1 {2}demand version 1\n$/);
    for (const [p, scm, price] of [
      ['cheap', '100', '0.10'],
      ['dear', '100', '0.20'],
    ] as const)
      expect(await vracu(['oracle', 'supply', '--provider', p, '--gpu', 'H100', '--region', 'us-east-1', '--scm', scm, '--price', price])).toMatch(
        new RegExp(`^H100:us-east-1 {2}${p} {2}written`),
      );
    const bucket = JSON.parse(await vracu(['--json', 'oracle', 'bucket', 'H100:us-east-1']));
    expect(bucket).toMatchObject({ bucketId: 'H100:us-east-1', demandScm: 150, supplyScm: 200, offers: 2, marginalPrice: '0.200000' });
    expect(bucket.allocations.map((a: { providerId: string; scm: number }) => [a.providerId, a.scm])).toEqual([
      ['cheap', 100],
      ['dear', 50],
    ]);
    const human = await vracu(['oracle', 'bucket', 'H100:us-east-1']);
    expect(human).toContain(`clearing ${bucket.clearingPrice} ACU/SCM`);
    expect(human).toMatch(/providerId\s+scm\s+price/);
    expect(await vracu(['oracle', 'price', 'H100:us-east-1'], provider)).toMatch(
      new RegExp(`^H100:us-east-1  ${bucket.clearingPrice.replace('.', '\\.')}  surge`),
    );
  });

  it('refuses a bad number with the field named, and a buyer-less key cannot offer supply', async () => {
    await expect(vracu(['oracle', 'supply', '--provider', 'x', '--gpu', 'H100', '--region', 'r', '--scm', 'lots', '--price', '1'])).rejects.toMatchObject({
      status: 400,
      problem: { issues: [expect.objectContaining({ path: 'body.offers.0.capacityScm' })] },
    });
    await expect(
      vracu(['oracle', 'supply', '--provider', 'x', '--gpu', 'H100', '--region', 'r', '--scm', '1', '--price', '1'], provider),
    ).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('vracu scheduler', () => {
  it('registers units from a file, lists them, reserves one, and says why a reservation that fits nowhere is declined', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vracu-units-')), 'units.json');
    const unit = (unitId: string, gpuId: string, kind: 'gpu' | 'mig', memoryMb: number, sms: number) => ({
      unitId,
      providerId: 'cheap',
      gpuProfile: 'H100',
      region: 'us-east-1',
      kind,
      gpuId,
      ...(kind === 'mig' ? { migProfile: '1g.10gb' } : {}),
      memoryMb,
      sms,
    });
    writeFileSync(file, JSON.stringify({ units: [unit('cheap/gpu1', 'gpu1', 'gpu', 81920, 132), unit('cheap/gpu0/mig0', 'gpu0', 'mig', 10240, 16)] }));
    expect(await vracu(['scheduler', 'register', file])).toBe('2 registered, 0 already known\n');
    expect(await vracu(['scheduler', 'register', file])).toBe('0 registered, 2 already known\n');
    expect(await vracu(['scheduler', 'units'])).toMatch(/cheap\/gpu0\/mig0\s+cheap\s+H100\s+us-east-1\s+mig\s+1g\.10gb\s+10240\s+16\s+0\s+0/);
    const job = ['scheduler', 'reserve', '--job', 'job-cli-1', '--tenant', 'buyer-a', '--sms', '8', '--scm', '10', '--price', '0.5', '--credit-limit', '1000'];
    expect(await vracu([...job, '--memory-mb', '8000', '--mig', '1g.10gb'])).toMatch(/^accepted \S+: job-cli-1 on cheap unit cheap\/gpu0\/mig0, cost /);
    expect(await vracu([...job.map((a) => (a === 'job-cli-1' ? 'job-cli-2' : a)), '--memory-mb', '9999999'])).toMatch(
      /^declined job-cli-2: insufficient_capacity/,
    );
    const units = JSON.parse(await vracu(['--json', 'scheduler', 'units']));
    expect(units.units.find((u: { unitId: string }) => u.unitId === 'cheap/gpu0/mig0').allocations).toEqual([
      expect.objectContaining({ jobId: 'job-cli-1', tenantId: 'buyer-a', memoryMb: 8000 }),
    ]);
  });
});

describe('vracu metering', () => {
  it('a slice is written once; the same slice again is a no-op; another slice at that seq is refused', async () => {
    const slice = (scm: string) => [
      'metering',
      'slice',
      '--job',
      'job-cli-m',
      '--bucket',
      'H100:us-east-1',
      '--seq',
      '0',
      '--scm-milli',
      scm,
      '--price-index',
      '0.2',
      '--node-dir',
      nodeDir,
    ];
    const first = await vracu(slice('1500'), nodeKey);
    expect(first).toMatch(/^written {2}\S+\n$/);
    expect(await vracu(slice('1500'), nodeKey)).toBe(first.replace('written', 'duplicate'));
    await expect(vracu(slice('1501'), nodeKey)).rejects.toMatchObject({ status: 409, code: 'slice_conflict' });
    // Another provider's key with this node's signature: not its node, refused.
    await expect(vracu(slice('1500'), provider)).rejects.toMatchObject({ status: 401, code: 'slice_signature_invalid' });
    await expect(vracu(slice('1.5'), nodeKey)).rejects.toThrow(/--scm-milli/);
  });
});
