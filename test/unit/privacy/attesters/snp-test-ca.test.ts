/**
 * SEV-SNP cases no public vector covers, on evidence a test CA makes in AMD's formats: VLEK
 * signing (AWS), Genoa and Turin reports (v3/v5, Turin's TCB layout and 8-byte hwID), the
 * CPUID cross-check, and CRLs. The test ARKs are passed as the trust anchors of the kind-level
 * verifier; the pinned roots reject the same evidence.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySnp, type SnpEvidence } from '../../../../functions/privacy/attesters/snp/verify.ts';
import { snpPolicy, type SnpPolicyInput } from '../../../../functions/privacy/attesters/domain/snp/policy.ts';
import { AMD_ROOTS } from '../../../../functions/privacy/attesters/roots/amd.ts';
import { PINNED, type TrustAnchors } from '../../../../functions/privacy/attesters/roots/trust.ts';
import type { FailureCode } from '../../../../functions/privacy/attesters/domain/result.ts';
import { arkCrl, signingKey, snpReport, testProduct, type TestProduct } from './snp-test-ca.ts';
import { at, flip } from './fixtures.ts';

const NOW = at('2026-06-01T00:00:00Z');
const nonce = new Uint8Array(64).fill(7);
const chip = new Uint8Array(64).map((_, i) => i + 1);
const TCB = { bootloader: 9, tee: 0, snp: 23, microcode: 0x48 };
const TURIN_TCB = { fmc: 1, bootloader: 1, tee: 1, snp: 3, microcode: 0x4c };

let genoa: TestProduct;
let turin: TestProduct;
let trust: TrustAnchors;
let vlek: Awaited<ReturnType<typeof signingKey>>;
let vcek: Awaited<ReturnType<typeof signingKey>>;
let turinVcek: Awaited<ReturnType<typeof signingKey>>;
let expiredVcek: Awaited<ReturnType<typeof signingKey>>;
let vlekReport: Uint8Array;
let vcekReport: Uint8Array;
let turinReport: Uint8Array;

beforeAll(async () => {
  genoa = await testProduct('Genoa');
  turin = await testProduct('Turin');
  trust = { ...PINNED, amd: { ...AMD_ROOTS, Genoa: genoa.roots, Turin: turin.roots } };
  vlek = await signingKey(genoa, 'vlek', TCB);
  vcek = await signingKey(genoa, 'vcek', TCB, { hwid: chip });
  turinVcek = await signingKey(turin, 'vcek', TURIN_TCB, { hwid: chip.subarray(0, 8) });
  expiredVcek = await signingKey(genoa, 'vcek', TCB, { hwid: chip, notAfter: new Date('2025-01-01T00:00:00Z'), serial: '12' });
  vlekReport = snpReport({ signer: 'vlek', reportData: nonce, tcb: TCB, product: 'Genoa' }, vlek.privatePem);
  vcekReport = snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip }, vcek.privatePem);
  turinReport = snpReport({ version: 5, signer: 'vcek', reportData: nonce, tcb: TURIN_TCB, product: 'Turin', chipId: chip }, turinVcek.privatePem);
}, 60_000);

const run = (e: SnpEvidence, p: SnpPolicyInput = {}, t: TrustAnchors = trust) => verifySnp(e, nonce, snpPolicy(p), NOW, t);

describe('SEV-SNP with a test CA', () => {
  it('a VLEK-signed Genoa v3 report (VLEK → ASVK → ARK): valid, signing key vlek', () => {
    expect(run({ report: vlekReport, certificates: [vlek.pem] })).toMatchObject({
      valid: true,
      claims: { product: 'Genoa', signingKey: 'vlek', reportVersion: 3 },
    });
  });

  it('a VCEK-signed Genoa report: valid, TCB read in the Milan/Genoa layout', () => {
    expect(run({ report: vcekReport, certificates: [vcek.pem] })).toMatchObject({ valid: true, claims: { signingKey: 'vcek', tcb: { reported: TCB } } });
  });

  it('a Turin v5 report: the TCB in Turin’s layout (FMC first) and an 8-byte hwID', () => {
    expect(run({ report: turinReport, certificates: [turinVcek.pem] })).toMatchObject({
      valid: true,
      claims: { product: 'Turin', reportVersion: 5, tcb: { reported: TURIN_TCB } },
    });
  });

  it('the same evidence under the pinned AMD roots: chain_untrusted (a test CA is not AMD)', () => {
    expect(run({ report: vlekReport, certificates: [vlek.pem, genoa.asvk.pem, genoa.ark.pem] }, {}, PINNED)).toMatchObject({
      valid: false,
      code: 'chain_untrusted',
    });
  });

  it('a CRL signed by the ARK and listing nothing: valid', async () => {
    const crl = await arkCrl(genoa, [], new Date('2026-05-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z'));
    expect(run({ report: vcekReport, certificates: [vcek.pem], crl }).valid).toBe(true);
  });

  const cases: [string, () => Promise<SnpEvidence> | SnpEvidence, SnpPolicyInput, FailureCode][] = [
    ['VLEKs refused by policy', () => ({ report: vlekReport, certificates: [vlek.pem] }), { allowVlek: false }, 'chain_untrusted'],
    [
      'a VLEK report naming a VCEK (signer info edited, re-signed)',
      () => ({ report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa' }, vlek.privatePem), certificates: [vlek.pem] }),
      {},
      'chain_untrusted',
    ],
    [
      'a VLEK report with a non-zero CHIP_ID',
      () => ({ report: snpReport({ signer: 'vlek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip }, vlek.privatePem), certificates: [vlek.pem] }),
      {},
      'malformed',
    ],
    [
      'CPUID says Milan, the key chains to Genoa',
      () => ({
        report: snpReport(
          { signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip, cpuid: { family: 0x19, model: 0x01 } },
          vcek.privatePem,
        ),
        certificates: [vcek.pem],
      }),
      {},
      'wrong_product',
    ],
    [
      'the report’s TCB differs from the VCEK’s (snp 24 vs 23)',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: { ...TCB, snp: 24 }, product: 'Genoa', chipId: chip }, vcek.privatePem),
        certificates: [vcek.pem],
      }),
      {},
      'chain_untrusted',
    ],
    [
      'another chip id than the VCEK’s hwID',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: flip(chip, 3) }, vcek.privatePem),
        certificates: [vcek.pem],
      }),
      {},
      'chain_untrusted',
    ],
    [
      'an expired VCEK',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip }, expiredVcek.privatePem),
        certificates: [expiredVcek.pem],
      }),
      {},
      'chain_expired',
    ],
    [
      'the ASK revoked by the CRL',
      async () => ({
        report: vcekReport,
        certificates: [vcek.pem],
        crl: await arkCrl(genoa, ['02'], new Date('2026-05-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')),
      }),
      {},
      'revoked_cert',
    ],
    [
      'the VCEK revoked by the CRL',
      async () => ({
        report: vcekReport,
        certificates: [vcek.pem],
        crl: await arkCrl(genoa, ['10'], new Date('2026-05-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')),
      }),
      {},
      'revoked_cert',
    ],
    [
      'a CRL past its nextUpdate',
      async () => ({
        report: vcekReport,
        certificates: [vcek.pem],
        crl: await arkCrl(genoa, [], new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')),
      }),
      {},
      'chain_expired',
    ],
    [
      'an empty CRL signed by another key (the ASK)',
      async () => ({
        report: vcekReport,
        certificates: [vcek.pem],
        crl: await arkCrl(genoa, [], new Date('2026-05-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z'), genoa.ask),
      }),
      {},
      'chain_untrusted',
    ],
    ['a CRL that is not one', () => ({ report: vcekReport, certificates: [vcek.pem], crl: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }), {}, 'malformed'],
    ['the Genoa VCEK presented for a Turin report', () => ({ report: turinReport, certificates: [vcek.pem] }), {}, 'chain_untrusted'],
    ['Turin refused by policy', () => ({ report: turinReport, certificates: [turinVcek.pem] }), { products: ['Milan', 'Genoa'] }, 'wrong_product'],
    ['Turin FMC below the minimum', () => ({ report: turinReport, certificates: [turinVcek.pem] }), { minTcb: { fmc: 2 } }, 'tcb_too_low'],
    [
      'migration agent allowed by the guest policy',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip, policy: 0x70000n }, vcek.privatePem),
        certificates: [vcek.pem],
      }),
      {},
      'debug_enabled',
    ],
    [
      'reserved policy bit 17 clear',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip, policy: 0x10000n }, vcek.privatePem),
        certificates: [vcek.pem],
      }),
      {},
      'malformed',
    ],
    [
      'VMPL 2 where 0 is required',
      () => ({
        report: snpReport({ signer: 'vcek', reportData: nonce, tcb: TCB, product: 'Genoa', chipId: chip, vmpl: 2 }, vcek.privatePem),
        certificates: [vcek.pem],
      }),
      { vmpl: 0 },
      'measurement_mismatch',
    ],
  ];

  it.each(cases.map(([n, make, policy, code]) => [`${n} → ${code}`, make, policy, code] as const))('%s', async (_n, make, policy, code) => {
    expect(run(await make(), policy)).toMatchObject({ valid: false, code });
  });
});
