/**
 * Intel TDX on the real quotes: Phala's v4 quote with its PCS collateral (UpToDate at the pinned
 * clock), its v5 quote whose TCB matches no level, and go-tdx-guest's three quotes (signatures
 * and PCK chains; their 2023 collateral matches no TCB level). Then negative cases made from them.
 */
import { describe, expect, it } from 'vitest';
import { verifyTdx, type TdxEvidence } from '../../../../functions/privacy/attesters/tdx/verify.ts';
import { tdxPolicy, type TdxPolicyInput } from '../../../../functions/privacy/attesters/domain/tdx/policy.ts';
import { parseTdxQuote } from '../../../../functions/privacy/attesters/domain/tdx/quote.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import type { FailureCode } from '../../../../functions/privacy/attesters/domain/result.ts';
import { at, fixture, fixtureText, flip } from './fixtures.ts';

const PH = 'tdx/phala-dcap-qvl';
const GO = 'tdx/go-tdx-guest';
const phQuote = fixture(PH, 'tdx_quote');
const phCollateral = JSON.parse(fixtureText(PH, 'tdx_quote_collateral.json')) as TdxCollateral;
const PH_AT = at('2025-06-19T11:16:03Z');
const v5Quote = fixture(PH, 'tdx_quote_outdated');
const v5Collateral = JSON.parse(fixtureText(PH, 'tdx_quote_outdated_collateral.json')) as TdxCollateral;
const V5_AT = at('2026-03-01T00:00:00Z');
const sprQuote = fixture(GO, 'tdx_prod_quote_SPR_E4.dat');
const cosQuote = fixture(GO, 'cos-113-tdx-quote.dat');
const goV5Quote = fixture(GO, 'quote_v5_sample.dat');
const TODAY = at('2026-06-01T00:00:00Z');

const reportData = (q: Uint8Array): Uint8Array => parseTdxQuote(q).report.reportData.slice();
const run = (e: TdxEvidence, nonce: Uint8Array, p: TdxPolicyInput, clock: ReturnType<typeof at>) => verifyTdx(e, nonce, tdxPolicy(p), clock);

/** Offsets in a v4 quote: header 48, TD report (REPORT_DATA at 48+520), signature data after 632. */
const V4_SIG = 632 + 4;

describe('TDX: the real vectors', () => {
  it('Phala v4 quote with its collateral at 2025-06-19T11:16:03Z: UpToDate, valid', () => {
    const v = run({ quote: phQuote, collateral: phCollateral }, reportData(phQuote), {}, PH_AT);
    expect(v).toMatchObject({
      valid: true,
      claims: { kind: 'tdx', quoteVersion: 4, tcbStatus: 'UpToDate', advisoryIds: [], debug: false, septVeDisable: true },
    });
    if (v.valid) expect(v.claims.mrTd).toMatch(/^[0-9a-f]{96}$/);
  });

  it('Phala v4 quote today: the collateral has expired', () => {
    expect(run({ quote: phQuote, collateral: phCollateral }, reportData(phQuote), {}, TODAY)).toMatchObject({ valid: false, code: 'chain_expired' });
  });

  it('Phala v5 quote (another platform) with its collateral: signatures fine, TCB matches no level → tcb_too_low', () => {
    const v = run({ quote: v5Quote, collateral: v5Collateral }, reportData(v5Quote), {}, V5_AT);
    expect(v).toMatchObject({ valid: false, code: 'tcb_too_low' });
    if (!v.valid) expect(v.error).toMatch(/No matching TCB level/);
  });

  it.each([
    ['SPR E4 v4', sprQuote, { requireSeptVeDisable: false }],
    ['COS-113 v4 (REPORT_DATA = nonce.dat)', cosQuote, {}],
    ['go-tdx-guest v5 (TD 1.5 body)', goV5Quote, {}],
  ] as const)('go-tdx-guest %s: quote signature, QE report and PCK chain valid without collateral (TCB not evaluated)', (_n, q, p) => {
    const v = run({ quote: q }, reportData(q), { requireCollateral: false, ...p }, TODAY);
    expect(v).toMatchObject({ valid: true, claims: { tcbStatus: 'not_evaluated' } });
  });

  it('COS-113: REPORT_DATA is nonce.dat (64 zero bytes)', () => {
    expect(run({ quote: cosQuote }, fixture(GO, 'nonce.dat'), { requireCollateral: false }, TODAY).valid).toBe(true);
  });

  it('the v5 sample carries the TD 1.5 fields', () => {
    const v = run({ quote: goV5Quote }, reportData(goV5Quote), { requireCollateral: false }, TODAY);
    expect(v.valid && v.claims.mrServiceTd).toMatch(/^[0-9a-f]{96}$/);
  });

  it('SPR E4: SEPT_VE_DISABLE is clear, so the default policy rejects it', () => {
    expect(run({ quote: sprQuote }, reportData(sprQuote), { requireCollateral: false }, TODAY)).toMatchObject({ valid: false, code: 'debug_enabled' });
  });

  it('the default policy needs collateral', () => {
    expect(run({ quote: cosQuote }, reportData(cosQuote), {}, TODAY)).toMatchObject({ valid: false, code: 'tcb_too_low' });
  });
});

interface Row {
  name: string;
  quote: Uint8Array;
  collateral?: TdxCollateral;
  nonce?: Uint8Array;
  policy?: TdxPolicyInput;
  clock?: ReturnType<typeof at>;
  code: FailureCode;
}

const withCol = (patch: Partial<TdxCollateral>): TdxCollateral => ({ ...phCollateral, ...patch });
const tcbInfo = JSON.parse(phCollateral.tcb_info) as Record<string, unknown>;
const mrTd = Buffer.from(parseTdxQuote(phQuote).report.mrTd).toString('hex');

const rows: Row[] = [
  { name: 'a signed-body byte flipped (MRTD)', quote: flip(phQuote, 48 + 136), code: 'bad_signature' },
  { name: 'a header byte flipped (user data)', quote: flip(phQuote, 40), code: 'bad_signature' },
  { name: 'the quote signature flipped', quote: flip(phQuote, V4_SIG + 3), code: 'bad_signature' },
  { name: 'the attestation key flipped (QE binding breaks)', quote: flip(phQuote, V4_SIG + 64 + 5), code: 'bad_signature' },
  { name: 'the QE report flipped', quote: flip(phQuote, V4_SIG + 128 + 6 + 50), code: 'bad_signature' },
  { name: 'the QE report signature flipped', quote: flip(phQuote, V4_SIG + 128 + 6 + 384 + 2), code: 'bad_signature' },
  { name: 'a byte of the PCK certificate flipped', quote: flip(phQuote, V4_SIG + 128 + 6 + 384 + 64 + 2 + 32 + 6 + 400), code: 'chain_untrusted' },
  { name: 'expired: PCK CRL and collateral past their next update', quote: phQuote, clock: at('2025-08-01T00:00:00Z'), code: 'chain_expired' },
  { name: 'TCB info issued after the verification time', quote: phQuote, clock: at('2025-06-19T10:00:00Z'), code: 'chain_expired' },
  { name: 'wrong nonce', quote: phQuote, nonce: new Uint8Array(64), code: 'nonce_mismatch' },
  { name: 'MRTD not in the allowed list', quote: phQuote, policy: { mrTd: ['00'.repeat(48)] }, code: 'measurement_mismatch' },
  { name: 'RTMR3 not in the allowed list', quote: phQuote, policy: { rtmr3: ['11'.repeat(48)] }, code: 'measurement_mismatch' },
  { name: 'MRTD allowed but MRCONFIGID not', quote: phQuote, policy: { mrTd: [mrTd], mrConfigId: ['22'.repeat(48)] }, code: 'measurement_mismatch' },
  { name: 'TEE_TCB_SVN below a minimum', quote: phQuote, policy: { minTeeTcbSvn: 'ff'.padEnd(32, '0') }, code: 'tcb_too_low' },
  { name: 'UpToDate not among the accepted statuses', quote: phQuote, policy: { acceptedTcbStatuses: ['OutOfDate'] }, code: 'tcb_too_low' },
  {
    name: 'TCB info re-serialised (its signature no longer matches)',
    quote: phQuote,
    collateral: withCol({ tcb_info: JSON.stringify(tcbInfo, null, 1) }),
    code: 'chain_untrusted',
  },
  {
    name: 'TCB info signature flipped',
    quote: phQuote,
    collateral: withCol({
      tcb_info_signature: `${phCollateral.tcb_info_signature.slice(0, 10)}${phCollateral.tcb_info_signature[10] === '0' ? '1' : '0'}${phCollateral.tcb_info_signature.slice(11)}`,
    }),
    code: 'chain_untrusted',
  },
  {
    name: 'PCK CRL signature flipped',
    quote: phQuote,
    collateral: withCol({ pck_crl: `${phCollateral.pck_crl.slice(0, -4)}${phCollateral.pck_crl.endsWith('00') ? '0101' : '0000'}` }),
    code: 'chain_untrusted',
  },
  { name: 'another platform’s collateral (FMSPC 90C06F000000)', quote: phQuote, collateral: v5Collateral, clock: V5_AT, code: 'wrong_product' },
  { name: 'collateral that is not collateral', quote: phQuote, collateral: { ...phCollateral, tcb_info: 'nope' }, code: 'malformed' },
  { name: 'truncated quote', quote: phQuote.subarray(0, 1000), code: 'malformed' },
  { name: 'truncated inside the PCK chain', quote: phQuote.subarray(0, phQuote.length - 200), code: 'malformed' },
  { name: 'oversized quote (70 KB)', quote: Uint8Array.from([...phQuote, ...new Uint8Array(70_000)]), code: 'malformed' },
  { name: 'version 3', quote: flip(phQuote, 0, 0x07), code: 'malformed' },
  { name: 'SGX TEE type', quote: flip(phQuote, 4, 0x81), code: 'wrong_product' },
  {
    name: 'wrong nonce and MRTD not allowed → nonce_mismatch',
    quote: phQuote,
    nonce: new Uint8Array(64),
    policy: { mrTd: ['00'.repeat(48)] },
    code: 'nonce_mismatch',
  },
  { name: 'flipped body and expired collateral → chain_expired', quote: flip(phQuote, 48 + 136), clock: at('2025-08-01T00:00:00Z'), code: 'chain_expired' },
];

describe('TDX: negative cases from the real quotes', () => {
  it.each(rows)('$name → $code', (r) => {
    const v = run({ quote: r.quote, collateral: r.collateral ?? phCollateral }, r.nonce ?? reportData(phQuote), r.policy ?? {}, r.clock ?? PH_AT);
    expect(v).toMatchObject({ valid: false, code: r.code });
  });

  it('a byte of trailing padding is tolerated (COS-113 quotes are padded to 8000 bytes)', () => {
    expect(run({ quote: Uint8Array.from([...phQuote, 0]), collateral: phCollateral }, reportData(phQuote), {}, PH_AT).valid).toBe(true);
  });
});
