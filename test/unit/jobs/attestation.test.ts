import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fieldsExpected, jobHash, sign, type CreationBody, type DeletionBody } from '../../../functions/jobs/domain/attestation.ts';
import { verifyAttestations, verifySignature } from '../../../functions/jobs/domain/verify.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';

const SEED = 20261123;
const rand = seededPrng(SEED);
const key = () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256));
const signer = new KeySigner(key());
const other = new KeySigner(key());

const doc = { jobId: 'job_01JD3Q0000000000000000000A', adapter: 'training', spec: { numGpus: 1 } };
const creationBody: CreationBody = {
  type: 'container:created',
  jobId: doc.jobId,
  containerId: 'arn:aws:ecs:local:000000000000:task/vracu-local/abc',
  agentId: 'agent-3',
  identity: 'ari3.agentplatform@',
  createdAt: '2026-02-18T21:00:00.000Z',
  jobHash: jobHash(doc),
  ephemeral: true,
  privacyTier: 'ephemeral-container',
};
const deletionBody: DeletionBody = {
  type: 'container:destroyed',
  jobId: doc.jobId,
  containerId: creationBody.containerId,
  createdAt: creationBody.createdAt,
  destroyedAt: '2026-02-18T21:05:30.000Z',
  dataVolumes: ['/app/job', '/tmp'],
  deletionMethod: 'container-auto-remove',
  exitCode: 0,
  stopReason: 'exited',
  privacyAttestation: true,
  privacyTier: 'ephemeral-container',
};

async function pair() {
  return { creation: await sign(creationBody, signer), deletion: await sign(deletionBody, signer) };
}
const expected = { jobId: doc.jobId, jobHash: creationBody.jobHash, containerId: creationBody.containerId };

describe(`attestations (seed ${SEED})`, () => {
  it('the job hash is sha256 over canonical JSON, independent of key order', () => {
    expect(creationBody.jobHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(jobHash({ spec: { numGpus: 1 }, adapter: 'training', jobId: doc.jobId })).toBe(creationBody.jobHash);
  });

  it('signatures are base64 compact 64-byte low-s and verify offline with the public key', async () => {
    const { creation, deletion } = await pair();
    const raw = Buffer.from(creation.signature, 'base64');
    expect(raw.length).toBe(64);
    expect(secp256k1.Signature.fromBytes(new Uint8Array(raw), 'compact').hasHighS()).toBe(false);
    const r = verifyAttestations({ creation, deletion, publicKeyHex: signer.publicKeyHex, expected });
    expect(r).toEqual({ ok: true, problems: [], lifetimeMs: 330_000 });
  });

  it('another key does not verify', async () => {
    const { creation, deletion } = await pair();
    const r = verifyAttestations({ creation, deletion, publicKeyHex: other.publicKeyHex, expected });
    expect(r.problems).toEqual(['creation_signature_invalid', 'deletion_signature_invalid']);
  });

  const tamper = (v: unknown): unknown =>
    typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : Array.isArray(v) ? [...v, '/extra'] : v === null ? 1 : v;

  it.each(Object.keys(creationBody))('changing creation.%s fails verification', async (field) => {
    const { creation, deletion } = await pair();
    const bad = { ...creation, [field]: tamper((creation as unknown as Record<string, unknown>)[field]) };
    const r = verifyAttestations({ creation: bad, deletion, publicKeyHex: signer.publicKeyHex, expected });
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('creation_signature_invalid');
  });

  it.each(Object.keys(deletionBody))('changing deletion.%s fails verification', async (field) => {
    const { creation, deletion } = await pair();
    const bad = { ...deletion, [field]: tamper((deletion as unknown as Record<string, unknown>)[field]) };
    const r = verifyAttestations({ creation, deletion: bad, publicKeyHex: signer.publicKeyHex, expected });
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('deletion_signature_invalid');
  });

  it('an added field, a flipped signature bit, or a high-s twin fail', async () => {
    const { creation } = await pair();
    expect(verifySignature({ ...creation, extra: 1 }, signer.publicKeyHex)).toBe(false);
    const sig = Buffer.from(creation.signature, 'base64');
    sig[10]! ^= 1;
    expect(verifySignature({ ...creation, signature: sig.toString('base64') }, signer.publicKeyHex)).toBe(false);
    // The same signature with s' = n - s is valid ECDSA but not low-s: refused (malleability).
    const s = secp256k1.Signature.fromBytes(new Uint8Array(Buffer.from(creation.signature, 'base64')), 'compact');
    const high = new secp256k1.Signature(s.r, secp256k1.Point.CURVE().n - s.s).toBytes('compact');
    expect(verifySignature({ ...creation, signature: Buffer.from(high).toString('base64') }, signer.publicKeyHex)).toBe(false);
    expect(verifySignature({ ...creation, signature: 'not base64!' }, signer.publicKeyHex)).toBe(false);
  });

  it('checks the expected job, hash and container, and that deletion follows creation', async () => {
    const { creation, deletion } = await pair();
    const pk = signer.publicKeyHex;
    expect(verifyAttestations({ creation, deletion, publicKeyHex: pk, expected: { ...expected, jobHash: 'sha256:00' } }).problems).toEqual([
      'job_hash_mismatch',
    ]);
    expect(verifyAttestations({ creation, deletion, publicKeyHex: pk, expected: { ...expected, containerId: 'other' } }).problems).toEqual([
      'creation_container_id_mismatch',
      'deletion_container_id_mismatch',
    ]);
    expect(verifyAttestations({ creation, deletion, publicKeyHex: pk, expected: { ...expected, jobId: 'job_other' } }).problems).toEqual([
      'creation_job_id_mismatch',
      'deletion_job_id_mismatch',
    ]);
    const early = await sign({ ...deletionBody, destroyedAt: '2026-02-18T20:00:00.000Z' }, signer);
    expect(verifyAttestations({ creation, deletion: early, publicKeyHex: pk, expected }).problems).toEqual(['deletion_before_creation']);
    const otherContainer = await sign({ ...deletionBody, containerId: 'task/2' }, signer);
    expect(verifyAttestations({ creation, deletion: otherContainer, publicKeyHex: pk, expected: { jobId: doc.jobId } }).problems).toEqual([
      'container_id_differs',
    ]);
    expect(verifyAttestations({ creation, deletion: null, publicKeyHex: pk, expected }).problems).toEqual(['deletion_missing']);
    expect(verifyAttestations({ creation: null, deletion: null, publicKeyHex: pk, expected }).problems).toEqual(['creation_missing', 'deletion_missing']);
  });

  it('public keys are compressed SEC1 hex', () => {
    expect(signer.publicKeyHex).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(bytesToHex(secp256k1.Point.fromHex(signer.publicKeyHex).toBytes(true))).toBe(signer.publicKeyHex);
  });
});

describe('the one attestation field list (vap-dispatcher verify and the console)', () => {
  const outputs = [
    { artifactId: 'art_01JD3Q0000000000000000000B', name: 'result.bin', size: 1048, merkleRoot: 'ab'.repeat(32) },
    { artifactId: 'art_01JD3Q0000000000000000000C', name: 'log.txt', size: 64, merkleRoot: 'cd'.repeat(32) },
  ];

  it('a deletion that signs its outputs verifies (the console checks its fields with the same fieldsExpected)', async () => {
    const creation = await sign(creationBody, signer);
    const deletion = await sign({ ...deletionBody, outputs }, signer);
    expect(verifyAttestations({ creation, deletion, publicKeyHex: signer.publicKeyHex, expected })).toMatchObject({ ok: true, problems: [] });
    expect(fieldsExpected(deletion, 'deletion')).toBe(true);
    // A changed root breaks the signature: the roots are signed.
    const moved = { ...deletion, outputs: [{ ...outputs[0]!, merkleRoot: 'ee'.repeat(32) }, outputs[1]!] };
    expect(verifyAttestations({ creation, deletion: moved, publicKeyHex: signer.publicKeyHex, expected }).problems).toEqual(['deletion_signature_invalid']);
  });

  it.each([
    ['an empty list', []],
    ['an entry with an extra field', [{ ...outputs[0], extra: 1 }]],
    ['an entry without its root', [{ artifactId: 'art_x', name: 'a', size: 1 }]],
    ['a root that is not 32 bytes of hex', [{ ...outputs[0], merkleRoot: 'AB'.repeat(32) }]],
    ['a negative size', [{ ...outputs[0], size: -1 }]],
    ['not a list', 'result.bin'],
  ])('outputs as %s: unexpected fields', (_what, bad) => {
    expect(fieldsExpected({ ...deletionBody, outputs: bad, signature: 'x' }, 'deletion')).toBe(false);
  });

  it('outputs belong to a deletion only; attestationHash to the attested tier only; an unknown field never', () => {
    expect(fieldsExpected({ ...creationBody, outputs, signature: 'x' }, 'creation')).toBe(false);
    expect(fieldsExpected({ ...deletionBody, attestationHash: 'sha256:00', signature: 'x' }, 'deletion')).toBe(false);
    expect(fieldsExpected({ ...deletionBody, privacyTier: 'attested', attestationHash: 'sha256:00', outputs, signature: 'x' }, 'deletion')).toBe(true);
    expect(fieldsExpected({ ...deletionBody, extra: 1, signature: 'x' }, 'deletion')).toBe(false);
    expect(fieldsExpected({ ...deletionBody, signature: 'x' }, 'deletion')).toBe(true);
  });
});
