/** The Lambda-shaped entries: an event with base64 evidence in, a verdict out; a bad event is a malformed verdict, not an exception. */
import { describe, expect, it } from 'vitest';
import { handler as verifyEvidence } from '../../../../functions/privacy/attesters/handlers/verify-evidence.ts';
import { handler as verifySnpHandler } from '../../../../functions/privacy/attesters/handlers/verify-snp.ts';
import { handler as verifyNvidiaHandler } from '../../../../functions/privacy/attesters/handlers/verify-nvidia.ts';
import { handler as verifyTdxHandler } from '../../../../functions/privacy/attesters/handlers/verify-tdx.ts';
import { fixture, fixtureText, hexFixture } from './fixtures.ts';

const report = hexFixture('sev-snp/virtee-sev/report_milan.hex');
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
// The handlers run on the system clock: the virtee VCEK is valid until 2030 and the 550 H100 chain until 9999.
const snpEvent = {
  challengeHex: Buffer.from(report.subarray(0x50, 0x90)).toString('hex'),
  evidence: { kind: 'snp', report: b64(report), certificates: [b64(fixture('sev-snp/virtee-sev/vcek_milan.der'))] },
};

describe('verifier entries', () => {
  it('all-kinds entry: a valid SEV-SNP report', async () => {
    expect(await verifyEvidence(snpEvent)).toMatchObject({ valid: true, claims: { kind: 'snp', product: 'Milan' } });
  });

  it('SEV-SNP entry: the same, and a policy travels with the event', async () => {
    expect(await verifySnpHandler(snpEvent)).toMatchObject({ valid: true });
    expect(await verifySnpHandler({ ...snpEvent, policy: { minTcb: { snp: 9 } } })).toMatchObject({ valid: false, code: 'tcb_too_low' });
  });

  it('NVIDIA entry: the 550 H100 report without reference values is refused by the default policy', async () => {
    const gpu = hexFixture('nvidia/nvtrust/hopperAttestationReport.txt');
    const event = {
      challengeHex: Buffer.from(gpu.subarray(4, 36)).toString('hex'),
      evidence: { kind: 'nvidia', report: b64(gpu), certificates: [b64(fixtureText('nvidia/nvtrust/hopperCertChain.txt'))] },
    };
    expect(await verifyNvidiaHandler(event)).toMatchObject({ valid: false, code: 'measurement_mismatch' });
    expect(await verifyNvidiaHandler({ ...event, policy: { requireReferenceValues: false } })).toMatchObject({ valid: true });
  });

  it('TDX entry: today the Phala collateral has expired', async () => {
    const quote = fixture('tdx/phala-dcap-qvl/tdx_quote');
    const event = {
      challengeHex: Buffer.from(quote.subarray(568, 632)).toString('hex'),
      evidence: { kind: 'tdx', quote: b64(quote), collateral: JSON.parse(fixtureText('tdx/phala-dcap-qvl/tdx_quote_collateral.json')) },
    };
    expect(await verifyTdxHandler(event)).toMatchObject({ valid: false, code: 'chain_expired' });
  });

  it.each([
    ['no evidence', { challengeHex: '00' }],
    ['an unknown kind', { challengeHex: '00', evidence: { kind: 'sgx', quote: '' } }],
    ['a challenge that is not hex', { ...snpEvent, challengeHex: 'xyz' }],
  ])('%s: a malformed verdict', async (_n, event) => {
    expect(await verifyEvidence(event)).toMatchObject({ valid: false, code: 'malformed' });
  });
});
