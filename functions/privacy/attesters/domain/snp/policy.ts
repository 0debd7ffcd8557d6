/**
 * What an SEV-SNP report must say to be accepted, beyond its signature and chain. Pure: it
 * reads a parsed report and adds facts to the findings.
 */
import * as z from 'zod';
import { constantTimeEqual, toHex } from '../bytes.ts';
import type { Findings } from '../result.ts';
import { PLATFORM_SMT_EN, POLICY_BITS, SNP_PRODUCTS, decodeTcb, policyBit, type SnpProduct, type SnpReport, type SnpTcb } from './report.ts';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `${bytes} bytes of hex`);

export const snpPolicySchema = z.object({
  /** Products accepted (default: all three). */
  products: z
    .array(z.enum(SNP_PRODUCTS as [SnpProduct, ...SnpProduct[]]))
    .min(1)
    .default([...SNP_PRODUCTS]),
  /** Accept a guest whose policy allows debugging (POLICY bit 19). Default false. */
  allowDebug: z.boolean().default(false),
  /** Accept a guest whose policy allows a migration agent (bit 18): it can read guest memory. Default false. */
  allowMigrationAgent: z.boolean().default(false),
  /** 'any': do not look; 'off': the host must run with SMT disabled (PLATFORM_INFO bit 0). */
  smt: z.enum(['any', 'off']).default('any'),
  /** The VMPL the report must come from; unset: any. */
  vmpl: z.number().int().min(0).max(3).optional(),
  /** Minimum security patch level per component of REPORTED_TCB; unset components are not checked. */
  minTcb: z
    .object({ bootloader: z.number().int(), tee: z.number().int(), snp: z.number().int(), microcode: z.number().int(), fmc: z.number().int() })
    .partial()
    .default({}),
  /** Accepted launch measurements (48-byte hex); unset: any. */
  measurements: z.array(hex(48)).optional(),
  /** HOST_DATA the report must carry (32-byte hex); unset: any. */
  hostData: hex(32).optional(),
  /** Accepted ID_KEY_DIGEST values (the key that signed the guest's ID block; 48-byte hex); unset: any. */
  idKeyDigests: z.array(hex(48)).optional(),
  /** Accepted AUTHOR_KEY_DIGEST values (48-byte hex); unset: any. */
  authorKeyDigests: z.array(hex(48)).optional(),
  /** Accept reports signed by a VLEK (cloud-provider key, not bound to a chip). Default true. */
  allowVlek: z.boolean().default(true),
});

export type SnpPolicy = z.output<typeof snpPolicySchema>;
export type SnpPolicyInput = z.input<typeof snpPolicySchema>;
export const snpPolicy = (input: SnpPolicyInput = {}): SnpPolicy => snpPolicySchema.parse(input);

const TCB_KEYS = ['bootloader', 'tee', 'snp', 'microcode', 'fmc'] as const;

/** Components of `tcb` below `min`, as "snp 5 < 8". */
export function tcbShortfalls(tcb: SnpTcb, min: Partial<SnpTcb>): string[] {
  const out: string[] = [];
  for (const k of TCB_KEYS) {
    const need = min[k];
    if (need === undefined) continue;
    const have = tcb[k];
    if (have === undefined) continue;
    if (have < need) out.push(`${k} ${have} < ${need}`);
  }
  return out;
}

/** The checks on the report's own claims, in no particular order (FAILURE_ORDER ranks them). */
export function applySnpPolicy(report: SnpReport, product: SnpProduct, challenge: Uint8Array, policy: SnpPolicy, f: Findings): void {
  if (!constantTimeEqual(report.reportData, challenge)) f.fail('nonce_mismatch', 'REPORT_DATA is not the expected challenge');
  if (!policyBit(report.policy, POLICY_BITS.reserved1)) f.fail('malformed', 'guest policy bit 17 (reserved, must be 1) is clear');
  if (policyBit(report.policy, POLICY_BITS.debug) && !policy.allowDebug)
    f.fail('debug_enabled', `guest policy 0x${report.policy.toString(16)} allows debugging (bit 19)`);
  if (policyBit(report.policy, POLICY_BITS.migrateMa) && !policy.allowMigrationAgent)
    f.fail('debug_enabled', `guest policy 0x${report.policy.toString(16)} allows a migration agent (bit 18)`);
  const tcb = decodeTcb(report.reportedTcbRaw, product);
  const short = tcbShortfalls(tcb, policy.minTcb);
  if (short.length) f.fail('tcb_too_low', `REPORTED_TCB below the minimum: ${short.join(', ')}`);
  if (policy.smt === 'off' && (report.platformInfo & PLATFORM_SMT_EN) !== 0n)
    f.fail('measurement_mismatch', 'the host runs with SMT enabled; the policy requires it off');
  if (policy.vmpl !== undefined && report.vmpl !== policy.vmpl) f.fail('measurement_mismatch', `the report comes from VMPL ${report.vmpl}, not ${policy.vmpl}`);
  if (policy.measurements && !policy.measurements.some((m) => m.toLowerCase() === toHex(report.measurement)))
    f.fail('measurement_mismatch', `MEASUREMENT ${toHex(report.measurement)} is not an accepted measurement`);
  if (policy.idKeyDigests && !policy.idKeyDigests.some((d) => d.toLowerCase() === toHex(report.idKeyDigest)))
    f.fail('measurement_mismatch', `ID_KEY_DIGEST ${toHex(report.idKeyDigest)} is not an accepted ID key`);
  if (policy.authorKeyDigests && !policy.authorKeyDigests.some((d) => d.toLowerCase() === toHex(report.authorKeyDigest)))
    f.fail('measurement_mismatch', `AUTHOR_KEY_DIGEST ${toHex(report.authorKeyDigest)} is not an accepted author key`);
  if (policy.hostData && policy.hostData.toLowerCase() !== toHex(report.hostData))
    f.fail('measurement_mismatch', `HOST_DATA ${toHex(report.hostData)} is not the expected value`);
}

/** The claims of an accepted report: what the privacy gate and the catalog record. */
export function snpClaims(report: SnpReport, product: SnpProduct) {
  return {
    kind: 'snp' as const,
    vendor: 'AMD',
    product,
    reportVersion: report.version,
    signingKey: report.signingKey,
    measurement: toHex(report.measurement),
    hostData: toHex(report.hostData),
    reportData: toHex(report.reportData),
    policy: `0x${report.policy.toString(16)}`,
    debug: policyBit(report.policy, POLICY_BITS.debug),
    migrationAgent: policyBit(report.policy, POLICY_BITS.migrateMa),
    smtAllowed: policyBit(report.policy, POLICY_BITS.smt),
    platformInfo: `0x${report.platformInfo.toString(16)}`,
    platformVersion: report.currentVersion,
    vmpl: report.vmpl,
    guestSvn: report.guestSvn,
    familyId: toHex(report.familyId),
    imageId: toHex(report.imageId),
    chipId: toHex(report.chipId),
    reportId: toHex(report.reportId),
    idKeyDigest: toHex(report.idKeyDigest),
    authorKeyDigest: toHex(report.authorKeyDigest),
    tcb: {
      reported: decodeTcb(report.reportedTcbRaw, product),
      current: decodeTcb(report.currentTcbRaw, product),
      committed: decodeTcb(report.committedTcbRaw, product),
      launch: decodeTcb(report.launchTcbRaw, product),
    },
  };
}

export type SnpClaims = ReturnType<typeof snpClaims>;
