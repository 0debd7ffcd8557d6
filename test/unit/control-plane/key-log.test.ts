/**
 * `vap-dispatcher verify`'s key-log verdict on real RFC 6962 logs signed with real keys: the
 * agent's key included in a signed head → included; another key under its id, a tampered
 * proof, a head signed by someone else, a leaf moved → refused.
 */
import { describe, expect, it } from 'vitest';
import { agentKey as expected, judgeKey, type InclusionAnswer } from '../../../sdk/key-log.ts';
import { entryLeafHash, inclusionOf, signTreeHead, treeHead, type LogEntry } from '../../../functions/control-plane/domain/transparency.ts';
import { keyPairFromSeeds, publicKeys } from '../../../functions/control-plane/domain/signatures.ts';

const seed = (b: number) => new Uint8Array(32).fill(b);
const LOG = keyPairFromSeeds(seed(1), seed(2));
const OTHER = keyPairFromSeeds(seed(3), seed(4));
// Compressed secp256k1 keys as agents register them (any 33 bytes do for the log).
const agentKey = (n: number) => `02${n.toString(16).padStart(2, '0').repeat(32)}`;
const entryOf = (n: number, publicKeyHex = agentKey(n)): LogEntry => ({
  kind: 'agent-identity',
  alg: 'secp256k1',
  keyId: expected(agentKey(n), `agent-${n}`).keyId,
  publicKey: Buffer.from(publicKeyHex, 'hex').toString('base64'),
  subject: `agent-${n}`,
  publishedAt: '2026-12-06T00:00:00.000Z',
});

function answerFor(entries: LogEntry[], index: number, signer = LOG): InclusionAnswer {
  const leaves = entries.map(entryLeafHash);
  const sth = signTreeHead(signer, treeHead(leaves, '2026-12-06T01:00:00.000Z'));
  return { entry: entries[index]!, sth, ...inclusionOf(leaves, index, leaves.length) };
}

describe("the dispatcher's key-log verdict", () => {
  const entries = [1, 2, 3, 4, 5].map((n) => entryOf(n));
  const keys = publicKeys(LOG);

  it('included: the entry is the agent key, the head verifies, the proof reaches its root', () => {
    expect(judgeKey(keys, answerFor(entries, 2), expected(agentKey(3), 'agent-3'))).toEqual({ state: 'included', treeSize: 5, leafIndex: 2 });
  });

  it('refused: another key logged under the id, a tampered proof, a moved leaf, a head from other keys', () => {
    const lying = [...entries];
    lying[2] = entryOf(3, agentKey(9));
    expect(judgeKey(keys, answerFor(lying, 2), expected(agentKey(3), 'agent-3'))).toMatchObject({
      state: 'refused',
      why: expect.stringContaining('another key'),
    });
    const good = answerFor(entries, 2);
    const flipped = Buffer.from(good.proof[0]!, 'base64');
    flipped[0]! ^= 1;
    expect(judgeKey(keys, { ...good, proof: [flipped.toString('base64'), ...good.proof.slice(1)] }, expected(agentKey(3), 'agent-3'))).toMatchObject({
      state: 'refused',
      why: expect.stringContaining('inclusion proof'),
    });
    expect(judgeKey(keys, { ...good, leafIndex: 3 }, expected(agentKey(3), 'agent-3'))).toMatchObject({ state: 'refused' });
    expect(judgeKey(keys, answerFor(entries, 2, OTHER), expected(agentKey(3), 'agent-3'))).toMatchObject({
      state: 'refused',
      why: expect.stringContaining('tree head'),
    });
    expect(judgeKey(publicKeys(OTHER), good, expected(agentKey(3), 'agent-3'))).toMatchObject({ state: 'refused' });
  });
});
