/** The challenge formula (domain/challenge.ts), against digests computed here independently. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CPU_LABEL, GPU_LABEL, challengeFor, cpuReportData, gpuSpdmNonce } from '../../../../functions/privacy/attesters/domain/challenge.ts';
import { seededBytes } from './seeded.ts';

const nonce = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

describe('challenge binding', () => {
  it('REPORT_DATA = SHA-512(label ‖ 0 ‖ u32be(len) ‖ jobId ‖ nonce)', () => {
    const expected = createHash('sha512')
      .update(Buffer.concat([Buffer.from('vracu/attest/v1/report-data'), Buffer.of(0), Buffer.of(0, 0, 0, 5), Buffer.from('job-1'), nonce]))
      .digest();
    expect(CPU_LABEL).toBe('vracu/attest/v1/report-data');
    expect(Buffer.from(cpuReportData('job-1', nonce))).toEqual(expected);
    expect(cpuReportData('job-1', nonce)).toHaveLength(64);
  });

  it('SPDM nonce = SHA-256(label ‖ 0 ‖ u32be(len) ‖ jobId ‖ nonce)', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('vracu/attest/v1/spdm-nonce'), Buffer.of(0), Buffer.of(0, 0, 0, 5), Buffer.from('job-1'), nonce]))
      .digest();
    expect(GPU_LABEL).toBe('vracu/attest/v1/spdm-nonce');
    expect(Buffer.from(gpuSpdmNonce('job-1', nonce))).toEqual(expected);
    expect(challengeFor('nvidia', 'job-1', nonce)).toEqual(gpuSpdmNonce('job-1', nonce));
    expect(challengeFor('tdx', 'job-1', nonce)).toEqual(cpuReportData('job-1', nonce));
  });

  it('the length prefix keeps (jobId, nonce) pairs apart, UTF-8 counted in bytes', () => {
    const { bytes, seed } = seededBytes(32 * 50);
    for (let i = 0; i < 50; i++) {
      const n = bytes.subarray(i * 32, i * 32 + 32);
      const other = Uint8Array.from(n);
      other[31]! ^= 1;
      expect(cpuReportData(`job-${i}`, n), `seed ${seed}`).not.toEqual(cpuReportData(`job-${i}`, other));
      expect(cpuReportData(`job-${i}`, n)).not.toEqual(cpuReportData(`job-${i + 1}`, n));
    }
    expect(cpuReportData('é', nonce)).toEqual(
      new Uint8Array(
        createHash('sha512')
          .update(Buffer.concat([Buffer.from(CPU_LABEL), Buffer.of(0), Buffer.of(0, 0, 0, 2), Buffer.from('é'), nonce]))
          .digest(),
      ),
    );
  });

  it.each([
    ['a 31-byte nonce', 'job', nonce.subarray(0, 31)],
    ['a 33-byte nonce', 'job', Buffer.concat([nonce, Buffer.of(0)])],
    ['an empty job id', '', nonce],
  ] as const)('refuses %s', (_n, job, n) => {
    expect(() => cpuReportData(job, n)).toThrow(RangeError);
  });
});
