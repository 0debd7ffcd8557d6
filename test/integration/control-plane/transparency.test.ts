/**
 * The key transparency log on DynamoDB Local: keys appended once, signed tree heads, proofs
 * over the routes, and `vracu transparency verify` offline (inclusion and consistency),
 * refusing a tampered entry, proof or older head.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { ADMIN, call, principal } from '../market/support.ts';
import * as api from '../../../functions/control-plane/api.ts';
import { publishSigningKeys, signCurrentHead } from '../../../functions/control-plane/usecases/transparency.ts';
import { vracuProgram } from '../../../sdk/cli/program.ts';
import { TransparencyRejectedError } from '../../../sdk/commands/transparency.ts';

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'vracu-tlog-'));
const keyOf = (i: number) => {
  const raw = createHash('sha256').update(`agent-key-${i}`).digest();
  return {
    kind: 'agent-identity',
    alg: 'secp256k1',
    keyId: createHash('sha256').update(raw).digest('hex'),
    publicKey: raw.toString('base64'),
    subject: `agent-${i}`,
  };
};

async function vracu(args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const program = vracuProgram({ VRACU_URL: 'http://127.0.0.1:9' }, (s) => (out += s));
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)])
    c.exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    await program.parseAsync(['node', 'vracu', ...args]);
    return { out };
  } catch (error) {
    return { out, error };
  }
}

beforeAll(async () => {
  env = await testEnv({ seed: 13 });
});

describe('key transparency log', () => {
  let keysFile: string;
  it('no head yet is a 404; the schedule logs the signer keys once and signs a head', async () => {
    expect(await call(api.sthRoute, null)).toMatchObject({ status: 404, body: { code: 'no_tree_head' } });
    const cp = env.compositions['control-plane'];
    expect(await publishSigningKeys(cp)).toBe(2);
    expect(await publishSigningKeys(cp)).toBe(0);
    for (let i = 0; i < 3; i++) expect((await call(api.logPublishRoute, ADMIN, { body: keyOf(i) })).body).toEqual({ leafIndex: 2 + i, appended: true });
    expect((await call(api.logPublishRoute, ADMIN, { body: keyOf(0) })).body).toEqual({ leafIndex: 2, appended: false });
    expect((await call(api.logPublishRoute, principal('bob', 'operator'), { body: keyOf(9) })).status).toBe(403);
    expect((await signCurrentHead(cp)).head.treeSize).toBe(5);
    env.clock.advance(3_600_000);
    const racing = await Promise.all([4, 5, 6].map((i) => call(api.logPublishRoute, ADMIN, { body: keyOf(i) })));
    expect(racing.map((r) => r.body.leafIndex).sort()).toEqual([5, 6, 7]);
    expect((await signCurrentHead(cp)).head.treeSize).toBe(8);
    const sth = await call(api.sthRoute, null);
    expect(sth.body).toMatchObject({ head: { origin: 'vracu.exchange/keys', treeSize: 8 } });
    keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify((await call(api.signingKeysRoute, null)).body));
  });

  it('vracu transparency verify: inclusion and consistency offline; tampering refused', async () => {
    const inc = await call(api.inclusionRoute, null, { query: { keyId: keyOf(1).keyId } });
    expect(inc.body).toMatchObject({ leafIndex: 3, treeSize: 8, entry: { subject: 'agent-1' } });
    const cons = await call(api.consistencyRoute, null, { query: { first: '5', second: '8' } });
    expect(cons.status).toBe(200);
    const bundle = { ...inc.body, previous: { sth: cons.body.first, proof: cons.body.proof } };
    const write = (name: string, b: unknown) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(b));
      return f;
    };
    const ok = await vracu(['--json', 'transparency', 'verify', write('ok.json', bundle), '--keys', keysFile]);
    expect(ok.error).toBeUndefined();
    expect(JSON.parse(ok.out)).toMatchObject({ valid: true, sthSigned: true, included: true, consistent: true, treeSize: 8 });

    const clone = () => JSON.parse(JSON.stringify(bundle));
    const swapped = clone();
    swapped.entry.publicKey = keyOf(7).publicKey;
    const oldForged = clone();
    oldForged.previous.sth.head.rootHash = Buffer.alloc(32, 7).toString('base64');
    const badProof = clone();
    badProof.proof[0] = Buffer.alloc(32).toString('base64');
    const resigned = clone();
    resigned.sth.head.treeSize = 9;
    for (const [name, b, what] of [
      ['swapped', swapped, 'included'],
      ['old', oldForged, 'consistent'],
      ['proof', badProof, 'included'],
      ['size', resigned, 'sthSigned'],
    ] as const) {
      const r = await vracu(['--json', 'transparency', 'verify', write(`${name}.json`, b), '--keys', keysFile]);
      expect(r.error).toBeInstanceOf(TransparencyRejectedError);
      expect(JSON.parse(r.out)).toMatchObject({ valid: false, [what]: false });
    }
  });

  it.each([
    ['unknown key', api.inclusionRoute, { query: { keyId: 'ab'.repeat(32) } }, 404, 'key_not_logged'],
    ['no head of that size', api.inclusionRoute, { query: { keyId: keyOf(1).keyId, treeSize: '6' } }, 404, 'no_tree_head'],
    ['first after second', api.consistencyRoute, { query: { first: '8', second: '5' } }, 400, 'bad_tree_sizes'],
    ['malformed key id', api.inclusionRoute, { query: { keyId: 'xyz' } }, 400, 'validation_failed'],
  ] as const)('%s → %s %s', async (_n, route, input, status, code) => {
    expect(await call(route, null, input)).toMatchObject({ status, body: { code } });
  });
});
