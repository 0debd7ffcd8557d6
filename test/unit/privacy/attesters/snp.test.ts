/**
 * AMD SEV-SNP on the real reports (go-sev-guest and virtee Milan, SOURCE.md beside them), then
 * negative cases made from them: every row states the expected code.
 */
import { describe, expect, it } from 'vitest';
import { verifySnp, type SnpEvidence } from '../../../../functions/privacy/attesters/snp/verify.ts';
import { snpPolicy, type SnpPolicyInput } from '../../../../functions/privacy/attesters/domain/snp/policy.ts';
import { verify } from '../../../../functions/privacy/attesters/verify.ts';
import type { FailureCode } from '../../../../functions/privacy/attesters/domain/result.ts';
import { at, fixture, fixtureText, flip, flipPem, hexFixture, pemBlocks } from './fixtures.ts';

const GO = 'sev-snp/go-sev-guest';
const VT = 'sev-snp/virtee-sev';
const NOW = at('2026-06-01T00:00:00Z');

// go-sev-guest: REPORT_DATA = 01 02 03 04 05 then 59 zero bytes; policy 0xb0000 allows debugging.
const goReport = fixture(GO, 'attestation.bin');
const goVcek = fixture(GO, 'vcek.testcer');
const goNonce = new Uint8Array(64);
goNonce.set([1, 2, 3, 4, 5]);
// virtee: the debug-off positive case; its REPORT_DATA is taken as the expected challenge.
const vtReport = hexFixture(VT, 'report_milan.hex');
const vtVcek = fixture(VT, 'vcek_milan.der');
const vtNonce = vtReport.slice(0x50, 0x90);
const milanChain = fixtureText(VT, 'cert_chain_milan');
const [milanAsk, milanArk] = pemBlocks(milanChain) as [string, string];
const [genoaAsk, genoaArk] = pemBlocks(fixtureText(GO, 'ask_ark_genoa.pem')) as [string, string];

const run = (e: SnpEvidence, nonce: Uint8Array, p: SnpPolicyInput = {}, clock = NOW) => verifySnp(e, nonce, snpPolicy(p), clock);

describe('SEV-SNP: the real vectors', () => {
  it('virtee Milan report: valid, with its claims', () => {
    const v = run({ report: vtReport, certificates: [vtVcek, milanChain] }, vtNonce);
    expect(v.valid).toBe(true);
    if (!v.valid) return;
    expect(v.claims).toMatchObject({
      kind: 'snp',
      product: 'Milan',
      reportVersion: 2,
      signingKey: 'vcek',
      policy: '0x30000',
      debug: false,
      vmpl: 0,
      measurement: '7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f',
      tcb: { reported: { bootloader: 3, tee: 0, snp: 8, microcode: 0x73 } },
    });
    expect(v.claims.chipId).toMatch(/^d49554ec/);
  });

  it('virtee report with only the VCEK (ASK and ARK come from the pinned set): valid', () => {
    expect(run({ report: vtReport, certificates: [vtVcek] }, vtNonce).valid).toBe(true);
  });

  it('go-sev-guest report: signature and chain valid, but debugging is allowed, so the default policy rejects it', () => {
    expect(run({ report: goReport, certificates: [goVcek] }, goNonce)).toMatchObject({ valid: false, code: 'debug_enabled' });
  });

  it('go-sev-guest report with a policy that allows debugging: valid, debug claimed', () => {
    const v = run({ report: goReport, certificates: [goVcek] }, goNonce, { allowDebug: true });
    expect(v).toMatchObject({
      valid: true,
      claims: { debug: true, measurement: expect.stringMatching(/^b07af962/), tcb: { reported: { bootloader: 2, tee: 0, snp: 5, microcode: 68 } } },
    });
  });

  it('roots and intermediates in the evidence are never trusted: a tampered ASK or another product’s ASK and ARK are ignored', () => {
    expect(run({ report: vtReport, certificates: [vtVcek, flipPem(milanAsk, 300)] }, vtNonce).valid).toBe(true);
    expect(run({ report: vtReport, certificates: [vtVcek, genoaAsk, genoaArk] }, vtNonce)).toMatchObject({ valid: true, claims: { product: 'Milan' } });
    expect(run({ report: vtReport, certificates: [vtVcek, milanArk] }, vtNonce).valid).toBe(true);
  });

  it('of several VCEKs supplied, the one that signed the report is used', () => {
    expect(run({ report: vtReport, certificates: [goVcek, vtVcek] }, vtNonce).valid).toBe(true);
  });

  it('the one entry point gives the same verdict', () => {
    expect(verify({ kind: 'snp', report: vtReport, certificates: [vtVcek] }, vtNonce, {}, NOW).valid).toBe(true);
    expect(verify({ kind: 'snp', report: goReport, certificates: [goVcek] }, goNonce, {}, NOW)).toMatchObject({ valid: false, code: 'debug_enabled' });
  });
});

interface Row {
  name: string;
  evidence: SnpEvidence;
  nonce?: Uint8Array;
  policy?: SnpPolicyInput;
  clock?: ReturnType<typeof at>;
  code: FailureCode;
}

const rows: Row[] = [
  // the signed body: byte 21 (virtee's own negative test, xor 0x80), the measurement, REPORT_DATA
  { name: 'report byte 21 flipped (xor 0x80)', evidence: { report: flip(vtReport, 21, 0x80), certificates: [vtVcek] }, code: 'bad_signature' },
  { name: 'a measurement byte flipped', evidence: { report: flip(vtReport, 0x90), certificates: [vtVcek] }, code: 'bad_signature' },
  {
    name: 'REPORT_DATA flipped, expected value flipped the same way (forged binding)',
    evidence: { report: flip(vtReport, 0x50) },
    nonce: flip(vtNonce, 0),
    code: 'bad_signature',
  },
  { name: 'signature R flipped', evidence: { report: flip(vtReport, 0x2a0), certificates: [vtVcek] }, code: 'bad_signature' },
  { name: 'signature S flipped', evidence: { report: flip(vtReport, 0x2e8 + 5), certificates: [vtVcek] }, code: 'bad_signature' },
  { name: 'signature R has bits above 48 bytes', evidence: { report: flip(vtReport, 0x2a0 + 60), certificates: [vtVcek] }, code: 'malformed' },
  // certificates
  {
    name: 'VCEK byte 40 flipped (virtee milan_chain_invalid, xor 0xff)',
    evidence: { report: vtReport, certificates: [flip(vtVcek, 40, 0xff)] },
    code: 'chain_untrusted',
  },
  { name: 'VCEK signature byte flipped', evidence: { report: vtReport, certificates: [flip(vtVcek, vtVcek.length - 10)] }, code: 'chain_untrusted' },
  { name: 'the other chip’s VCEK (go-sev-guest) for the virtee report', evidence: { report: vtReport, certificates: [goVcek] }, code: 'chain_untrusted' },
  { name: 'no VCEK supplied', evidence: { report: vtReport, certificates: [milanChain] }, code: 'chain_untrusted' },
  // products and roots
  { name: 'the policy accepts only Genoa', evidence: { report: vtReport, certificates: [vtVcek] }, policy: { products: ['Genoa'] }, code: 'wrong_product' },
  // time
  {
    name: 'VCEK not yet valid (2023-01-01, issued 2023-04-03)',
    evidence: { report: vtReport, certificates: [vtVcek] },
    clock: at('2023-01-01T00:00:00Z'),
    code: 'chain_expired',
  },
  {
    name: 'VCEK expired (2031-01-01, valid to 2030-04-03)',
    evidence: { report: vtReport, certificates: [vtVcek] },
    clock: at('2031-01-01T00:00:00Z'),
    code: 'chain_expired',
  },
  // claims
  { name: 'wrong nonce', evidence: { report: vtReport, certificates: [vtVcek] }, nonce: new Uint8Array(64), code: 'nonce_mismatch' },
  { name: 'nonce of the wrong length', evidence: { report: vtReport, certificates: [vtVcek] }, nonce: vtNonce.subarray(0, 32), code: 'nonce_mismatch' },
  { name: 'TCB below the minimum (snp 9 > 8)', evidence: { report: vtReport, certificates: [vtVcek] }, policy: { minTcb: { snp: 9 } }, code: 'tcb_too_low' },
  {
    name: 'TCB below the minimum (microcode 0x74)',
    evidence: { report: vtReport, certificates: [vtVcek] },
    policy: { minTcb: { microcode: 0x74 } },
    code: 'tcb_too_low',
  },
  {
    name: 'measurement not in the allowed list',
    evidence: { report: vtReport, certificates: [vtVcek] },
    policy: { measurements: ['00'.repeat(48)] },
    code: 'measurement_mismatch',
  },
  {
    name: 'HOST_DATA not the expected value',
    evidence: { report: vtReport, certificates: [vtVcek] },
    policy: { hostData: '11'.repeat(32) },
    code: 'measurement_mismatch',
  },
  {
    name: 'ID key digest not accepted',
    evidence: { report: vtReport, certificates: [vtVcek] },
    policy: { idKeyDigests: ['ab'.repeat(48)] },
    code: 'measurement_mismatch',
  },
  {
    name: 'author key digest not accepted',
    evidence: { report: vtReport, certificates: [vtVcek] },
    policy: { authorKeyDigests: ['ab'.repeat(48)] },
    code: 'measurement_mismatch',
  },
  { name: 'SMT required off, host runs SMT', evidence: { report: vtReport, certificates: [vtVcek] }, policy: { smt: 'off' }, code: 'measurement_mismatch' },
  { name: 'VMPL 1 required, report from VMPL 0', evidence: { report: vtReport, certificates: [vtVcek] }, policy: { vmpl: 1 }, code: 'measurement_mismatch' },
  // shape
  { name: 'truncated report (1183 bytes)', evidence: { report: vtReport.subarray(0, 1183), certificates: [vtVcek] }, code: 'malformed' },
  { name: 'oversized report (1185 bytes)', evidence: { report: Uint8Array.from([...vtReport, 0]), certificates: [vtVcek] }, code: 'malformed' },
  { name: 'empty report', evidence: { report: new Uint8Array(0), certificates: [vtVcek] }, code: 'malformed' },
  { name: 'version 1', evidence: { report: flip(vtReport, 0, 0x03), certificates: [vtVcek] }, code: 'malformed' },
  { name: 'a certificate that is not one', evidence: { report: vtReport, certificates: [new Uint8Array([1, 2, 3])] }, code: 'malformed' },
  // two failures at once: the first in FAILURE_ORDER wins
  {
    name: 'wrong nonce and debug allowed → nonce_mismatch',
    evidence: { report: goReport, certificates: [goVcek] },
    nonce: new Uint8Array(64),
    code: 'nonce_mismatch',
  },
  {
    name: 'bad signature and wrong nonce → bad_signature',
    evidence: { report: flip(vtReport, 0x90), certificates: [vtVcek] },
    nonce: new Uint8Array(64),
    code: 'bad_signature',
  },
  {
    name: 'expired chain and bad signature → chain_expired',
    evidence: { report: flip(vtReport, 0x90), certificates: [vtVcek] },
    clock: at('2031-01-01T00:00:00Z'),
    code: 'chain_expired',
  },
  {
    name: 'debug and TCB too low → debug_enabled',
    evidence: { report: goReport, certificates: [goVcek] },
    nonce: goNonce,
    policy: { minTcb: { snp: 9 } },
    code: 'debug_enabled',
  },
  {
    name: 'wrong product and wrong nonce → wrong_product',
    evidence: { report: vtReport, certificates: [vtVcek] },
    nonce: new Uint8Array(64),
    policy: { products: ['Turin'] },
    code: 'wrong_product',
  },
];

describe('SEV-SNP: negative cases from the real reports', () => {
  it.each(rows)('$name → $code', (r) => {
    const v = run({ certificates: [vtVcek], ...r.evidence }, r.nonce ?? (r.evidence.report === goReport ? goNonce : vtNonce), r.policy, r.clock);
    expect(v).toMatchObject({ valid: false, code: r.code });
    if (!v.valid) expect(v.error.length).toBeGreaterThan(0);
  });
});

describe('SEV-SNP: the ARK of another product', () => {
  it('a Milan VCEK does not verify under the Genoa or Turin ARK', async () => {
    const { AMD_ROOTS } = await import('../../../../functions/privacy/attesters/roots/amd.ts');
    const onlyGenoa = { ...AMD_ROOTS, Milan: AMD_ROOTS.Genoa };
    const { PINNED } = await import('../../../../functions/privacy/attesters/roots/trust.ts');
    const v = verifySnp({ report: vtReport, certificates: [vtVcek] }, vtNonce, snpPolicy({}), NOW, { ...PINNED, amd: onlyGenoa });
    expect(v).toMatchObject({ valid: false, code: 'chain_untrusted' });
  });
  it('the Turin VCEK chains to ARK-Turin (and not to Milan)', async () => {
    const { AMD_ROOTS } = await import('../../../../functions/privacy/attesters/roots/amd.ts');
    const { anchor, checkChain, parseCertificates } = await import('../../../../functions/privacy/attesters/x509/certs.ts');
    const [turinAsk] = parseCertificates(fixtureText(VT, 'cert_chain_turin'));
    const leaf = parseCertificates(fixture(VT, 'vcek_turin.der'))[0]!;
    expect(checkChain([leaf, turinAsk!], anchor(AMD_ROOTS.Turin.ark), NOW.nowMs(), 't')).toEqual([]);
    expect(checkChain([leaf, anchor(AMD_ROOTS.Milan.ask)], anchor(AMD_ROOTS.Milan.ark), NOW.nowMs(), 't').map((p) => p.code)).toContain('chain_untrusted');
  });
});
