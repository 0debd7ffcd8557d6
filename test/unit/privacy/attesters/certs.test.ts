/** Chain checks node:crypto does not do on its own (x509/certs.ts): the CA bit, keyUsage, dates, a root taken from the evidence. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../../../../functions/privacy/attesters/x509/certs.ts';

const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const gen = async () => (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
const node = (c: x509.X509Certificate) => new X509Certificate(c.toString('pem'));
const AT = Date.parse('2026-06-01T00:00:00Z');

let root: X509Certificate;
let otherRoot: X509Certificate;
const leaves: Record<string, [X509Certificate, X509Certificate]> = {};

beforeAll(async () => {
  const rk = await gen();
  const r = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Root',
    keys: rk,
    signingAlgorithm: SIGN,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const ok = await gen();
  otherRoot = node(
    await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '09',
      name: 'CN=Root',
      keys: ok,
      signingAlgorithm: SIGN,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2040-01-01T00:00:00Z'),
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    }),
  );
  root = node(r);
  const mids: Record<string, x509.Extension[]> = {
    good: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    noKeyUsage: [new x509.BasicConstraintsExtension(true, 0, true)],
    notCa: [new x509.BasicConstraintsExtension(false, undefined, true)],
    signOnly: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  };
  for (const [name, extensions] of Object.entries(mids)) {
    const mk = await gen();
    const lk = await gen();
    const mid = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: `CN=Mid ${name}`,
      issuer: r.subject,
      publicKey: mk.publicKey,
      signingKey: rk.privateKey,
      signingAlgorithm: SIGN,
      extensions,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
    });
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: '03',
      subject: 'CN=Leaf',
      issuer: mid.subject,
      publicKey: lk.publicKey,
      signingKey: mk.privateKey,
      signingAlgorithm: SIGN,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    leaves[name] = [node(leaf), node(mid)];
  }
});

describe('checkChain', () => {
  it.each([
    ['a CA intermediate with keyCertSign', 'good', []],
    ['a CA intermediate without keyUsage (any use allowed)', 'noKeyUsage', []],
    ['an intermediate that is not a CA', 'notCa', ['chain_untrusted']],
    // OpenSSL's issuer check refuses it too, so the link and the keyUsage are both reported.
    ['a CA intermediate whose keyUsage lacks keyCertSign', 'signOnly', ['chain_untrusted', 'chain_untrusted']],
  ] as const)('%s', (_n, which, codes) => {
    expect(checkChain(leaves[which]!, root, AT, 't').map((p) => p.code)).toEqual(codes);
  });

  it('dates: the leaf expired, the intermediate not yet valid', () => {
    expect(checkChain(leaves.good!, root, Date.parse('2028-01-01T00:00:00Z'), 't').map((p) => p.code)).toEqual(['chain_expired']);
    expect(checkChain(leaves.good!, root, Date.parse('2024-06-01T00:00:00Z'), 't').map((p) => p.code)).toEqual(['chain_expired', 'chain_expired']);
  });

  it('a self-signed root in the evidence that is not the pinned one (same name, other key)', () => {
    expect(checkChain([...leaves.good!, otherRoot], root, AT, 't').map((p) => p.code)).toEqual(['chain_untrusted']);
  });

  it('the pinned root in the evidence is accepted as the end of the chain', () => {
    expect(checkChain([...leaves.good!, root], root, AT, 't')).toEqual([]);
  });

  it('the chain to another root', () => {
    expect(checkChain(leaves.good!, otherRoot, AT, 't').map((p) => p.code)).toEqual(['chain_untrusted']);
  });
});
