/** What a TDX quote must say to be accepted, beyond its signatures and chain. Pure. */
import * as z from 'zod';
import { constantTimeEqual, isAllZero, toHex } from '../bytes.ts';
import type { Findings } from '../result.ts';
import { tdAttributes, type TdxQuote } from './quote.ts';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `${bytes} bytes of hex`);
const list48 = z.array(hex(48)).optional();

/** Intel's TCB statuses (PCS TCB info, QE identity). */
export const TCB_STATUSES = [
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
] as const;

export const tdxPolicySchema = z.object({
  /** Accept a TD whose TUD.DEBUG bit is set. Default false. (With collateral, dcap-qvl always refuses debug TDs.) */
  allowDebug: z.boolean().default(false),
  /** Require SEC.SEPT_VE_DISABLE (the host cannot inject #VE on EPT violations). Default true. */
  requireSeptVeDisable: z.boolean().default(true),
  /** TCB statuses accepted from the collateral; Revoked never is. Default: UpToDate only. */
  acceptedTcbStatuses: z
    .array(z.enum(TCB_STATUSES).exclude(['Revoked']))
    .min(1)
    .default(['UpToDate']),
  /** Without TCB info and QE identity the TCB level is unknown: refuse (default) or accept with tcbStatus "not_evaluated". */
  requireCollateral: z.boolean().default(true),
  /**
   * The TD runs Intel's TDX module: MRSIGNERSEAM and SEAMATTRIBUTES all zero, as Intel's TCB info
   * (tdxModule) requires. Default true.
   */
  requireIntelTdxModule: z.boolean().default(true),
  /** Minimum TEE_TCB_SVN, byte by byte (16-byte hex); unset: not checked here (the collateral decides). */
  minTeeTcbSvn: hex(16).optional(),
  mrTd: list48,
  mrConfigId: list48,
  mrOwner: list48,
  mrOwnerConfig: list48,
  mrSeam: list48,
  rtmr0: list48,
  rtmr1: list48,
  rtmr2: list48,
  rtmr3: list48,
});

export type TdxPolicy = z.output<typeof tdxPolicySchema>;
export type TdxPolicyInput = z.input<typeof tdxPolicySchema>;
export const tdxPolicy = (input: TdxPolicyInput = {}): TdxPolicy => tdxPolicySchema.parse(input);

const MEASURED = ['mrTd', 'mrConfigId', 'mrOwner', 'mrOwnerConfig', 'mrSeam', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'] as const;

function measured(q: TdxQuote, k: (typeof MEASURED)[number]): Uint8Array {
  const r = q.report;
  switch (k) {
    case 'rtmr0':
      return r.rtmr[0];
    case 'rtmr1':
      return r.rtmr[1];
    case 'rtmr2':
      return r.rtmr[2];
    case 'rtmr3':
      return r.rtmr[3];
    default:
      return r[k];
  }
}

export function applyTdxPolicy(q: TdxQuote, challenge: Uint8Array, policy: TdxPolicy, f: Findings): void {
  if (!constantTimeEqual(q.report.reportData, challenge)) f.fail('nonce_mismatch', 'REPORT_DATA is not the expected challenge');
  const a = tdAttributes(q.report.tdAttributes);
  if (a.tudReserved || a.secReserved) f.fail('malformed', `reserved TD_ATTRIBUTES bits are set (${toHex(q.report.tdAttributes)})`);
  if (a.debug && !policy.allowDebug) f.fail('debug_enabled', 'TD_ATTRIBUTES.DEBUG is set: the host can read and change the TD');
  if (!a.septVeDisable && policy.requireSeptVeDisable) f.fail('debug_enabled', 'TD_ATTRIBUTES.SEPT_VE_DISABLE is clear: the host can inject #VE into the TD');
  if (policy.requireIntelTdxModule && (!isAllZero(q.report.mrSignerSeam) || !isAllZero(q.report.seamAttributes))) {
    f.fail('chain_untrusted', `the TDX module is not Intel's (MRSIGNERSEAM ${toHex(q.report.mrSignerSeam)}, SEAMATTRIBUTES ${toHex(q.report.seamAttributes)})`);
  }
  if (policy.minTeeTcbSvn) {
    const min = Buffer.from(policy.minTeeTcbSvn, 'hex');
    const low = [...min].flatMap((m, i) => (q.report.teeTcbSvn[i]! < m ? [`byte ${i}: ${q.report.teeTcbSvn[i]} < ${m}`] : []));
    if (low.length) f.fail('tcb_too_low', `TEE_TCB_SVN below the minimum (${low.join(', ')})`);
  }
  for (const k of MEASURED) {
    const allowed = policy[k];
    if (!allowed) continue;
    const have = toHex(measured(q, k));
    if (!allowed.some((m) => m.toLowerCase() === have)) f.fail('measurement_mismatch', `${k.toUpperCase()} ${have} is not an accepted value`);
  }
}

export function tdxClaims(q: TdxQuote, tcb: { status: string; advisoryIds: string[] }) {
  const r = q.report;
  const a = tdAttributes(r.tdAttributes);
  return {
    kind: 'tdx' as const,
    vendor: 'Intel',
    quoteVersion: q.version,
    teeTcbSvn: toHex(r.teeTcbSvn),
    mrSeam: toHex(r.mrSeam),
    mrSignerSeam: toHex(r.mrSignerSeam),
    tdAttributes: toHex(r.tdAttributes),
    debug: a.debug,
    septVeDisable: a.septVeDisable,
    xfam: toHex(r.xfam),
    mrTd: toHex(r.mrTd),
    mrConfigId: toHex(r.mrConfigId),
    mrOwner: toHex(r.mrOwner),
    mrOwnerConfig: toHex(r.mrOwnerConfig),
    rtmr0: toHex(r.rtmr[0]),
    rtmr1: toHex(r.rtmr[1]),
    rtmr2: toHex(r.rtmr[2]),
    rtmr3: toHex(r.rtmr[3]),
    reportData: toHex(r.reportData),
    ...(r.mrServiceTd ? { mrServiceTd: toHex(r.mrServiceTd), teeTcbSvn2: toHex(r.teeTcbSvn2!) } : {}),
    tcbStatus: tcb.status,
    advisoryIds: tcb.advisoryIds,
  };
}

export type TdxClaims = ReturnType<typeof tdxClaims>;
