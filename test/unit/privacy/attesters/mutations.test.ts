/**
 * Any single flipped byte of a real piece of evidence makes it invalid: random positions and
 * masks (seeded; the seed is in every test name, VRACU_TEST_SEED overrides it) over the whole
 * SEV-SNP report, the binary part of the TDX quote (the PCK chain's PEM text is left out: a
 * flipped newline can leave the same certificate) and the whole NVIDIA report.
 */
import { describe, expect, it } from 'vitest';
import { verify, type Evidence } from '../../../../functions/privacy/attesters/verify.ts';
import { parseTdxQuote } from '../../../../functions/privacy/attesters/domain/tdx/quote.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import { at, fixture, fixtureText, flip, hex, hexFixture } from './fixtures.ts';
import { seededBytes } from './seeded.ts';

const { bytes: rnd, seed } = seededBytes(3 * 60 * 4);
const picks = (k: number, len: number) =>
  Array.from({ length: 60 }, (_, i) => {
    const o = (k * 60 + i) * 4;
    return { at: ((rnd[o]! << 16) | (rnd[o + 1]! << 8) | rnd[o + 2]!) % len, mask: rnd[o + 3]! || 1 };
  });

const snp = hexFixture('sev-snp/virtee-sev/report_milan.hex');
const snpEv = (report: Uint8Array): Evidence => ({ kind: 'snp', report, certificates: [fixture('sev-snp/virtee-sev/vcek_milan.der')] });
const tdx = fixture('tdx/phala-dcap-qvl/tdx_quote');
const tdxCollateral = JSON.parse(fixtureText('tdx/phala-dcap-qvl/tdx_quote_collateral.json')) as TdxCollateral;
const pemStart = tdx.length - parseTdxQuote(tdx).trailingBytes - Buffer.byteLength(parseTdxQuote(tdx).pckChainPem, 'latin1');
const gpu = hexFixture('nvidia/nvtrust-2023/attestationReport.txt');
const gpuEv = (report: Uint8Array): Evidence => ({ kind: 'nvidia', report, certificates: [fixtureText('nvidia/nvtrust-2023/gpuAkCertChain.txt')] });
const gpuNonce = hex('4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e');

describe(`one flipped byte anywhere (seed ${seed})`, () => {
  it('the unmodified evidence is valid (the baseline)', () => {
    expect(verify(snpEv(snp), snp.slice(0x50, 0x90), {}, at('2026-06-01T00:00:00Z')).valid).toBe(true);
    expect(verify({ kind: 'tdx', quote: tdx, collateral: tdxCollateral }, tdx.slice(568, 632), {}, at('2025-06-19T11:16:03Z')).valid).toBe(true);
    expect(verify(gpuEv(gpu), gpuNonce, { nvidia: { requireReferenceValues: false } }, at('2026-06-01T00:00:00Z')).valid).toBe(true);
  });

  it.each(picks(0, snp.length))(`SEV-SNP report byte %o (seed ${seed})`, ({ at: i, mask }) => {
    expect(verify(snpEv(flip(snp, i, mask)), snp.slice(0x50, 0x90), {}, at('2026-06-01T00:00:00Z')).valid).toBe(false);
  });

  it.each(picks(1, pemStart))(`TDX quote byte %o (seed ${seed})`, ({ at: i, mask }) => {
    expect(verify({ kind: 'tdx', quote: flip(tdx, i, mask), collateral: tdxCollateral }, tdx.slice(568, 632), {}, at('2025-06-19T11:16:03Z')).valid).toBe(
      false,
    );
  });

  it.each(picks(2, gpu.length))(`NVIDIA report byte %o (seed ${seed})`, ({ at: i, mask }) => {
    expect(verify(gpuEv(flip(gpu, i, mask)), gpuNonce, { nvidia: { requireReferenceValues: false } }, at('2026-06-01T00:00:00Z')).valid).toBe(false);
  });
});
