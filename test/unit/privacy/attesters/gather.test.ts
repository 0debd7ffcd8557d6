/**
 * Evidence completed from a collateral source (here the offline file source), then verified:
 * the SEV-SNP VCEK by chip id and TCB, the TDX collateral by the PCK certificate's FMSPC, the
 * NVIDIA RIMs by the ids nvtrust derives from the report.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherCollateral, pckFmspc } from '../../../../functions/privacy/attesters/collateral/gather.ts';
import { FileCollateralSource, fileStem } from '../../../../functions/privacy/attesters/collateral/files.ts';
import type { CollateralKey } from '../../../../functions/privacy/attesters/collateral/source.ts';
import { verify } from '../../../../functions/privacy/attesters/verify.ts';
import { parseTdxQuote } from '../../../../functions/privacy/attesters/domain/tdx/quote.ts';
import { parseCertificates } from '../../../../functions/privacy/attesters/x509/certs.ts';
import { at, fixture, fixturePath, fixtureText, hex, hexFixture } from './fixtures.ts';

let dir: string;
let source: FileCollateralSource;
const put = (key: CollateralKey, ext: string, from: string) => copyFileSync(fixturePath(from), join(dir, `${fileStem(key)}${ext}`));

const snpReport = hexFixture('sev-snp/virtee-sev/report_milan.hex');
const chipId = Buffer.from(snpReport.subarray(0x1a0, 0x1e0)).toString('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vracu-gather-'));
  put(
    { kind: 'amd-vcek', product: 'Milan', hwid: chipId, tcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 } },
    '.der',
    'sev-snp/virtee-sev/vcek_milan.der',
  );
  put({ kind: 'tdx', fmspc: 'b0c06f000000', ca: 'platform' }, '.json', 'tdx/phala-dcap-qvl/tdx_quote_collateral.json');
  put({ kind: 'nvidia-rim', id: 'NV_GPU_DRIVER_GH100_545.00' }, '.swidtag', 'nvidia/nvtrust/Driver_RIM_test_no_gpu.swidtag');
  put({ kind: 'nvidia-rim', id: 'NV_GPU_VBIOS_1010_0200_882_96005E0001' }, '.swidtag', 'nvidia/nvtrust/1010_0200_882_96005E0001_test_no_gpu.swidtag');
  source = new FileCollateralSource(dir);
});

describe('gathering collateral', () => {
  it('the FMSPC of each real PCK certificate is the one its SOURCE.md names', () => {
    const fmspc = (f: string) => pckFmspc(parseCertificates(parseTdxQuote(fixture(f)).pckChainPem)[0]!);
    expect(fmspc('tdx/phala-dcap-qvl/tdx_quote')).toBe('b0c06f000000');
    expect(fmspc('tdx/phala-dcap-qvl/tdx_quote_outdated')).toBe('90c06f000000');
    expect(fmspc('tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat')).toBe('50806f000000');
  });

  it('SEV-SNP: the VCEK is fetched by product, chip id and reported TCB, then the report verifies', async () => {
    const clock = at('2026-06-01T00:00:00Z');
    const e = await gatherCollateral({ kind: 'snp', report: snpReport }, source, clock.nowMs(), { snpCrl: false });
    expect(e.kind === 'snp' && e.certificates).toHaveLength(1);
    expect(verify(e, snpReport.slice(0x50, 0x90), {}, clock).valid).toBe(true);
  });

  it('TDX: the collateral of the quote’s FMSPC is fetched, then the quote is UpToDate', async () => {
    const quote = fixture('tdx/phala-dcap-qvl/tdx_quote');
    const clock = at('2025-06-19T11:16:03Z');
    const e = await gatherCollateral({ kind: 'tdx', quote }, source, clock.nowMs());
    expect(verify(e, quote.slice(568, 632), {}, clock)).toMatchObject({ valid: true, claims: { tcbStatus: 'UpToDate' } });
  });

  it('TDX: nothing for another FMSPC, so the default policy refuses (no collateral)', async () => {
    const quote = fixture('tdx/phala-dcap-qvl/tdx_quote_outdated');
    const clock = at('2026-03-01T00:00:00Z');
    const e = await gatherCollateral({ kind: 'tdx', quote }, source, clock.nowMs());
    expect(verify(e, parseTdxQuote(quote).report.reportData.slice(), {}, clock)).toMatchObject({ valid: false, code: 'tcb_too_low' });
  });

  it('evidence that does not parse comes back as it is, and verifies as malformed', async () => {
    const e = await gatherCollateral({ kind: 'tdx', quote: new Uint8Array(10) }, source, 0);
    expect(verify(e, new Uint8Array(64), {}, at('2026-01-01T00:00:00Z'))).toMatchObject({ valid: false, code: 'malformed' });
  });

  it('NVIDIA: the driver and VBIOS RIMs are fetched by the ids the report implies, then all golden values match', async () => {
    const clock = at('2025-01-01T00:00:00Z');
    const e = await gatherCollateral(
      {
        kind: 'nvidia',
        report: hexFixture('nvidia/nvtrust-2023/attestationReport.txt'),
        certificates: [fixtureText('nvidia/nvtrust-2023/gpuAkCertChain.txt')],
      },
      source,
      clock.nowMs(),
    );
    expect(e.kind === 'nvidia' && e.references?.rims?.map((r) => r.label)).toEqual(['NV_GPU_DRIVER_GH100_545.00', 'NV_GPU_VBIOS_1010_0200_882_96005E0001']);
    expect(verify(e, hex('4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e'), {}, clock)).toMatchObject({
      valid: true,
      claims: { referenceValues: { matched: 32 } },
    });
  });
});
