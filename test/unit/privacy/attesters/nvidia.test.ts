/**
 * NVIDIA H100 on the real reports: nvtrust's 2023 sample (driver 545, matching the signed RIMs
 * at a clock before the RIM signers expired) and the 550 sample (its signature and chain are
 * fine; the RIMs are for another driver). Then negative cases made from them.
 */
import { describe, expect, it } from 'vitest';
import { verifyNvidia, type NvidiaEvidence } from '../../../../functions/privacy/attesters/nvidia/verify.ts';
import { nvidiaPolicy, type NvidiaPolicyInput } from '../../../../functions/privacy/attesters/domain/nvidia/policy.ts';
import { parseGpuReport } from '../../../../functions/privacy/attesters/domain/nvidia/spdm.ts';
import type { FailureCode } from '../../../../functions/privacy/attesters/domain/result.ts';
import { at, fixtureText, flip, flipPem, hex, hexFixture, pemBlocks } from './fixtures.ts';

const NV = 'nvidia/nvtrust';
const OLD = 'nvidia/nvtrust-2023';
const report23 = hexFixture(OLD, 'attestationReport.txt');
const chain23 = fixtureText(OLD, 'gpuAkCertChain.txt');
const nonce23 = hex('4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e');
const report550 = hexFixture(NV, 'hopperAttestationReport.txt');
const chain550 = fixtureText(NV, 'hopperCertChain.txt');
const nonce550 = hex('931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb');
const driverRim = { label: 'driver RIM', xml: fixtureText(NV, 'Driver_RIM_test_no_gpu.swidtag') };
const vbiosRim = { label: 'VBIOS RIM', xml: fixtureText(NV, '1010_0200_882_96005E0001_test_no_gpu.swidtag') };
const BEFORE_RIM_EXPIRY = at('2025-01-01T00:00:00Z');
const TODAY = at('2026-06-01T00:00:00Z');

const run = (e: NvidiaEvidence, nonce: Uint8Array, p: NvidiaPolicyInput = {}, clock = BEFORE_RIM_EXPIRY) => verifyNvidia(e, nonce, nvidiaPolicy(p), clock);
const ev23 = (patch: Partial<NvidiaEvidence> = {}): NvidiaEvidence => ({
  report: report23,
  certificates: [chain23],
  references: { rims: [driverRim, vbiosRim] },
  ...patch,
});

describe('NVIDIA: the real vectors', () => {
  it('2023 H100 report with the driver and VBIOS RIMs: valid, every active golden measurement matches', () => {
    const v = run(ev23(), nonce23);
    expect(v).toMatchObject({
      valid: true,
      claims: {
        kind: 'nvidia',
        gpu: 'GH100',
        driverVersion: '545.00',
        vbiosVersion: '96.00.5e.00.01',
        nvdec0: 'disabled',
        referenceValues: { matched: 32, compared: 32 },
      },
    });
  });

  it('the RIM signers expired in June 2025: today the same evidence fails on time', () => {
    expect(run(ev23(), nonce23, {}, TODAY)).toMatchObject({ valid: false, code: 'chain_expired' });
  });

  it('550 H100 report: signature and chain to the device root valid (no reference values asked for)', () => {
    const v = run({ report: report550, certificates: [chain550] }, nonce550, { requireReferenceValues: false }, TODAY);
    expect(v).toMatchObject({ valid: true, claims: { driverVersion: '550.90.07', vbiosVersion: '96.00.9f.00.01', deviceCertificate: 'GH100 A01 GSP FMC LF' } });
  });

  it('550 H100 report against the 545 RIMs: measurement_mismatch', () => {
    expect(run({ report: report550, certificates: [chain550], references: { rims: [driverRim, vbiosRim] } }, nonce550)).toMatchObject({
      valid: false,
      code: 'measurement_mismatch',
    });
  });

  it('550 H100 report against the 545 RIMs without the version check: the measurements themselves differ', () => {
    const v = run({ report: report550, certificates: [chain550], references: { rims: [driverRim, vbiosRim] } }, nonce550, { requireRimVersionMatch: false });
    expect(v).toMatchObject({ valid: false, code: 'measurement_mismatch' });
    if (!v.valid) expect(v.error).toMatch(/golden measurements do not match/);
  });

  it('a configured reference list instead of RIMs', () => {
    const blocks = parseGpuReport(report550).response.blocks;
    const measurements = blocks.map((b) => ({ index: b.index - 1, active: true, size: b.value.length, alternatives: [Buffer.from(b.value).toString('hex')] }));
    expect(
      run({ report: report550, certificates: [chain550], references: { configured: [{ source: 'configured', measurements }] } }, nonce550, {}, TODAY).valid,
    ).toBe(true);
    const wrong = measurements.map((m, i) => (i === 3 ? { ...m, alternatives: ['00'.repeat(48)] } : m));
    expect(
      run({ report: report550, certificates: [chain550], references: { configured: [{ source: 'configured', measurements: wrong }] } }, nonce550, {}, TODAY),
    ).toMatchObject({
      valid: false,
      code: 'measurement_mismatch',
    });
  });
});

const certs = pemBlocks(chain23);
const pemDerLength = (pem: string): number => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64').length;
/** The signature is the last 96 bytes of the report; the requester nonce bytes 4–35. */
const SIG = report23.length - 96;

interface Row {
  name: string;
  evidence: Partial<NvidiaEvidence>;
  nonce?: Uint8Array;
  policy?: NvidiaPolicyInput;
  code: FailureCode;
}

const rows: Row[] = [
  { name: 'a measurement byte flipped', evidence: { report: flip(report23, 60) }, code: 'bad_signature' },
  { name: 'the requester nonce flipped (and expected flipped too)', evidence: { report: flip(report23, 4) }, nonce: flip(nonce23, 0), code: 'bad_signature' },
  { name: 'an opaque-data byte flipped (driver version)', evidence: { report: flip(report23, SIG - 20) }, code: 'bad_signature' },
  { name: 'the signature flipped', evidence: { report: flip(report23, SIG + 10) }, code: 'bad_signature' },
  { name: 'the leaf certificate flipped', evidence: { certificates: [Buffer.from(flipPem(certs[0]!, 200)), ...certs.slice(1)] }, code: 'chain_untrusted' },
  {
    name: 'an intermediate certificate flipped',
    evidence: { certificates: [certs[0]!, Buffer.from(flipPem(certs[1]!, pemDerLength(certs[1]!) - 5)), ...certs.slice(2)] },
    code: 'chain_untrusted',
  },
  { name: 'the chain without its intermediates', evidence: { certificates: [certs[0]!] }, code: 'chain_untrusted' },
  { name: 'the 550 GPU’s chain for the 2023 report', evidence: { certificates: [chain550] }, code: 'bad_signature' },
  {
    name: 'a chain ending in another root (the RIM root)',
    evidence: { certificates: [...certs.slice(0, -1), fixtureText(NV, 'verifier_RIM_root.pem')] },
    code: 'chain_untrusted',
  },
  { name: 'no certificates', evidence: { certificates: [] }, code: 'chain_untrusted' },
  { name: 'wrong nonce', evidence: {}, nonce: new Uint8Array(32), code: 'nonce_mismatch' },
  { name: 'CC mode off', evidence: { ccMode: 'off' }, code: 'debug_enabled' },
  { name: 'CC mode devtools', evidence: { ccMode: 'devtools' }, code: 'debug_enabled' },
  { name: 'only Blackwell accepted', evidence: {}, policy: { products: ['GB100'] }, code: 'wrong_product' },
  { name: 'driver not in the accepted list', evidence: {}, policy: { driverVersions: ['550.90.07'] }, code: 'measurement_mismatch' },
  { name: 'no reference values', evidence: { references: {} }, code: 'measurement_mismatch' },
  {
    name: 'the driver RIM tampered (a golden value changed)',
    evidence: {
      references: {
        rims: [
          { ...driverRim, xml: driverRim.xml.replace('active="True" alternatives="1" ns2:Hash0="', 'active="True" alternatives="1" ns2:Hash0="0') },
          vbiosRim,
        ],
      },
    },
    code: 'bad_signature',
  },
  { name: 'the VBIOS RIM truncated', evidence: { references: { rims: [driverRim, { ...vbiosRim, xml: vbiosRim.xml.slice(0, 5000) }] } }, code: 'malformed' },
  {
    name: 'one RIM given twice (active indices in both)',
    evidence: { references: { rims: [driverRim, { ...driverRim, label: 'again' }] } },
    code: 'malformed',
  },
  { name: 'truncated report', evidence: { report: report23.subarray(0, 2000) }, code: 'malformed' },
  { name: 'truncated by one byte (the signature)', evidence: { report: report23.subarray(0, report23.length - 1) }, code: 'malformed' },
  { name: 'oversized report (70 KB)', evidence: { report: Uint8Array.from([...report23, ...new Uint8Array(70_000)]) }, code: 'malformed' },
  { name: 'not a GET_MEASUREMENTS request', evidence: { report: flip(report23, 1, 0x02) }, code: 'malformed' },
  { name: 'wrong nonce and CC mode off → nonce_mismatch', evidence: { ccMode: 'off' }, nonce: new Uint8Array(32), code: 'nonce_mismatch' },
  { name: 'flipped measurement and wrong nonce → bad_signature', evidence: { report: flip(report23, 60) }, nonce: new Uint8Array(32), code: 'bad_signature' },
];

describe('NVIDIA: negative cases from the real reports', () => {
  it.each(rows)('$name → $code', (r) => {
    expect(run(ev23(r.evidence), r.nonce ?? nonce23, r.policy)).toMatchObject({ valid: false, code: r.code });
  });

  it('trailing bytes after the signature are tolerated (captures carry them)', () => {
    expect(run(ev23({ report: Uint8Array.from([...report23, 0, 0, 0]) }), nonce23).valid).toBe(true);
  });

  it('CC mode on is accepted', () => {
    expect(run(ev23({ ccMode: 'on' }), nonce23)).toMatchObject({ valid: true, claims: { ccMode: 'on' } });
  });
});
