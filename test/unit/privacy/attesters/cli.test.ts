/** `vracu attest verify`, in-process like the other CLI tests, on the fixture files as the vendors' tools write them. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vracuProgram } from '../../../../sdk/cli/program.ts';
import { AttestationRejectedError } from '../../../../sdk/commands/attest.ts';
import { fixturePath } from './fixtures.ts';

async function vracu(args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const program = vracuProgram({}, (s) => (out += s));
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)])
    c.exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    await program.parseAsync(['node', 'vracu', ...args]);
    return { out };
  } catch (error) {
    return { out, error };
  }
}

const F = (...p: string[]) => fixturePath(...p);
const GO_NONCE = `0102030405${'00'.repeat(59)}`;

describe('vracu attest verify', () => {
  it('SNP, hex report (virtee) and DER VCEK: VALID with the claims, exit 0', async () => {
    const r = await vracu([
      'attest',
      'verify',
      '--type',
      'snp',
      '--evidence',
      F('sev-snp/virtee-sev/report_milan.hex'),
      '--certs',
      F('sev-snp/virtee-sev/vcek_milan.der'),
    ]);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/^VALID\n/);
    expect(r.out).toMatch(/measurement\s+7a1e5c26/);
    expect(r.out).toMatch(/no --nonce given/);
  });

  it('SNP, binary report and a folder of certificates, --json with the nonce: one object, debug_enabled, exit 1', async () => {
    const r = await vracu([
      '--json',
      'attest',
      'verify',
      '--type',
      'snp',
      '--evidence',
      F('sev-snp/go-sev-guest/attestation.bin'),
      '--certs',
      F('sev-snp/go-sev-guest'),
      '--nonce',
      GO_NONCE,
    ]);
    expect(r.error).toBeInstanceOf(AttestationRejectedError);
    expect(JSON.parse(r.out)).toEqual({ valid: false, code: 'debug_enabled', error: expect.stringContaining('bit 19') });
  });

  it('SNP with --json after the subcommand and a wrong nonce: nonce_mismatch', async () => {
    const r = await vracu([
      'attest',
      'verify',
      '--type',
      'snp',
      '--evidence',
      F('sev-snp/virtee-sev/report_milan.hex'),
      '--certs',
      F('sev-snp/virtee-sev/vcek_milan.der'),
      '--nonce',
      '00'.repeat(64),
      '--json',
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'nonce_mismatch' });
    expect((r.error as AttestationRejectedError).code).toBe('nonce_mismatch');
  });

  it('SNP with a CRL (PEM) that AMD’s ARK did not sign: chain_untrusted', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const crl = await x509.X509CrlGenerator.create({
      issuer: 'CN=ARK-Milan',
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
      nextUpdate: new Date('2027-01-01T00:00:00Z'),
      signingKey: keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'vracu-crl-')), 'crl.pem');
    writeFileSync(file, crl.toString('pem'));
    const r = await vracu([
      '--json',
      'attest',
      'verify',
      '--type',
      'snp',
      '--evidence',
      F('sev-snp/virtee-sev/report_milan.hex'),
      '--certs',
      F('sev-snp/virtee-sev/vcek_milan.der'),
      '--collateral',
      file,
      '--at',
      '2026-06-01T00:00:00Z',
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'chain_untrusted', error: expect.stringContaining('CRL is not signed by ARK-Milan') });
  });

  it('TDX, a DCAP quote file with the PCS collateral JSON at the pinned time: UpToDate', async () => {
    const r = await vracu([
      '--json',
      'attest',
      'verify',
      '--type',
      'tdx',
      '--evidence',
      F('tdx/phala-dcap-qvl/tdx_quote'),
      '--collateral',
      F('tdx/phala-dcap-qvl/tdx_quote_collateral.json'),
      '--at',
      '2025-06-19T11:16:03Z',
    ]);
    expect(r.error).toBeUndefined();
    const j = JSON.parse(r.out) as { valid: boolean; claims: Record<string, unknown> };
    expect(j).toMatchObject({ valid: true, claims: { tcbStatus: 'UpToDate', quoteVersion: 4 } });
    expect(Object.keys(j).sort()).toEqual(['claims', 'valid']);
  });

  it('TDX, the same files at today’s clock: chain_expired', async () => {
    const r = await vracu([
      '--json',
      'attest',
      'verify',
      '--type',
      'tdx',
      '--evidence',
      F('tdx/phala-dcap-qvl/tdx_quote'),
      '--collateral',
      F('tdx/phala-dcap-qvl/tdx_quote_collateral.json'),
      '--at',
      '2026-06-01T00:00:00Z',
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'chain_expired' });
  });

  it('TDX with a folder of raw PCS responses (go-tdx-guest, 2023-07-01): every signature checks, no TCB level matches', async () => {
    // The SPR quote's SEPT_VE_DISABLE is clear: a policy file accepts that, so the TCB verdict shows.
    const policy = join(mkdtempSync(join(tmpdir(), 'vracu-policy-')), 'policy.json');
    writeFileSync(policy, JSON.stringify({ tdx: { requireSeptVeDisable: false } }));
    const args = [
      '--json',
      'attest',
      'verify',
      '--type',
      'tdx',
      '--evidence',
      F('tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat'),
      '--collateral',
      F('tdx/go-tdx-guest'),
      '--policy',
      policy,
    ];
    const r = await vracu([...args, '--at', '2023-07-01T00:00:00Z']);
    expect(JSON.parse(r.out)).toEqual({ valid: false, code: 'tcb_too_low', error: 'collateral: No matching TCB level found' });
    expect(JSON.parse((await vracu([...args, '--at', '2026-06-01T00:00:00Z'])).out)).toMatchObject({ valid: false, code: 'chain_expired' });
  });

  it('TDX without collateral: signatures and chain only, and it says so', async () => {
    const r = await vracu(['attest', 'verify', '--type', 'tdx', '--evidence', F('tdx/go-tdx-guest/cos-113-tdx-quote.dat'), '--nonce', '00'.repeat(64)]);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/tcbStatus\s+not_evaluated/);
    expect(r.out).toMatch(/TCB status was not evaluated/);
  });

  it('NVIDIA, nvtrust’s hex report, PEM chain and a folder of RIMs before the RIM signers expired: valid', async () => {
    const r = await vracu([
      '--json',
      'attest',
      'verify',
      '--type',
      'nvidia',
      '--evidence',
      F('nvidia/nvtrust-2023/attestationReport.txt'),
      '--certs',
      F('nvidia/nvtrust-2023/gpuAkCertChain.txt'),
      '--reference',
      F('nvidia/nvtrust'),
      '--nonce',
      '4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e',
      '--at',
      '2025-01-01T00:00:00Z',
    ]);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, claims: { driverVersion: '545.00', referenceValues: { matched: 32, compared: 32 } } });
  });

  it('a file that is not evidence: malformed, exit 1', async () => {
    const r = await vracu(['--json', 'attest', 'verify', '--type', 'snp', '--evidence', F('sev-snp/virtee-sev/SOURCE.md')]);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'malformed' });
    expect(r.error).toBeInstanceOf(AttestationRejectedError);
  });

  it('an unknown --type is a usage error, not a verdict', async () => {
    const r = await vracu(['attest', 'verify', '--type', 'sgx', '--evidence', F('tdx/phala-dcap-qvl/tdx_quote')]);
    expect(r.out).toBe('');
    expect((r.error as Error).message).toMatch(/--type must be one of/);
  });
});
