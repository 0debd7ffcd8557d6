/**
 * The CRL check shared by SEV-SNP (KDS CRL) and TDX (PCK and root CA CRLs), on CRLs a test CA
 * makes in Intel's shape (ECDSA P-256): the signature is checked before an empty list is
 * believed, and the list must be current. Also Intel's real PCK CRL from the fixtures.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRevocation, parseCrl } from '../../../../functions/privacy/attesters/x509/crl.ts';
import { parseCertificates } from '../../../../functions/privacy/attesters/x509/certs.ts';
import { MalformedEvidenceError } from '../../../../functions/privacy/attesters/domain/result.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import { fixtureText } from './fixtures.ts';

const subtle = webcrypto.subtle;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
let caKeys: CryptoKeyPair;
let otherKeys: CryptoKeyPair;
let ca: X509Certificate;
let leaf: X509Certificate;

beforeAll(async () => {
  caKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  otherKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test PCK Platform CA',
    keys: caKeys,
    signingAlgorithm: SIGN,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const leafKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leafCert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a1b2c',
    subject: 'CN=Test PCK Certificate',
    issuer: caCert.subject,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGN,
  });
  ca = new X509Certificate(caCert.toString('pem'));
  leaf = new X509Certificate(leafCert.toString('pem'));
});

const crl = async (serials: string[], thisUpdate: string, nextUpdate: string, key = caKeys.privateKey) =>
  new Uint8Array(
    (
      await x509.X509CrlGenerator.create({
        issuer: 'CN=Test PCK Platform CA',
        thisUpdate: new Date(thisUpdate),
        nextUpdate: new Date(nextUpdate),
        entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(thisUpdate) })),
        signingKey: key,
        signingAlgorithm: SIGN,
      })
    ).rawData,
  );
const AT = Date.parse('2026-06-01T00:00:00Z');

describe('CRLs', () => {
  it.each([
    ['an empty CRL, current and signed: no problem', () => crl([], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'), []],
    ['the leaf revoked', () => crl(['0a1b2c'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'), ['revoked_cert']],
    ['the leaf revoked, serial with a leading zero', () => crl(['000a1b2c'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'), ['revoked_cert']],
    ['another serial revoked', () => crl(['0a1b2d'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'), []],
    ['an empty CRL signed by another key', () => crl([], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z', otherKeys.privateKey), ['chain_untrusted']],
    [
      'a revoking CRL signed by another key (nothing else is believed)',
      () => crl(['0a1b2c'], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z', otherKeys.privateKey),
      ['chain_untrusted'],
    ],
    ['a stale CRL', () => crl([], '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), ['chain_expired']],
    ['a CRL from the future', () => crl([], '2026-07-01T00:00:00Z', '2026-08-01T00:00:00Z'), ['chain_expired']],
    ['stale and revoking', () => crl(['0a1b2c'], '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), ['chain_expired', 'revoked_cert']],
  ] as const)('%s', async (_n, make, codes) => {
    expect(checkRevocation(parseCrl(await make()), ca, [leaf], AT, 'test').map((p) => p.code)).toEqual(codes);
  });

  it('a flipped signature byte', async () => {
    const der = await crl([], '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z');
    der[der.length - 3]! ^= 1;
    expect(checkRevocation(parseCrl(der), ca, [leaf], AT, 'test').map((p) => p.code)).toEqual(['chain_untrusted']);
  });

  it('garbage is malformed', () => {
    expect(() => parseCrl(new Uint8Array([1, 2, 3]))).toThrow(MalformedEvidenceError);
  });

  it('Intel’s real PCK CRL (Phala collateral) is signed by the PCK Platform CA of its issuer chain and current on 2025-06-19', () => {
    const c = JSON.parse(fixtureText('tdx/phala-dcap-qvl/tdx_quote_collateral.json')) as TdxCollateral;
    const [platformCa] = parseCertificates(c.pck_crl_issuer_chain);
    const p = parseCrl(Buffer.from(c.pck_crl, 'hex'));
    expect(p.revoked.size).toBeGreaterThan(0);
    expect(checkRevocation(p, platformCa!, [], Date.parse('2025-06-19T11:16:03Z'), 'PCK CRL')).toEqual([]);
    expect(checkRevocation(p, ca, [], Date.parse('2025-06-19T11:16:03Z'), 'PCK CRL').map((x) => x.code)).toEqual(['chain_untrusted']);
  });
});
