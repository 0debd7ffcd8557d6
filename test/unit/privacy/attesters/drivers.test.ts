/**
 * The vendor fetchers, with an injected fetch that records requests and answers with fixture
 * bytes: request URLs and headers as the vendors document them (AMD KDS #57230, Intel PCS v4,
 * NVIDIA RIM service), and what comes back is labelled with its version and next update.
 * Nothing here touches the network.
 */
import { describe, expect, it } from 'vitest';
import { AmdKdsSource, vcekUrl } from '../../../../functions/privacy/attesters/drivers/amd-kds.ts';
import { IntelPcsSource } from '../../../../functions/privacy/attesters/drivers/intel-pcs.ts';
import { NvidiaRimSource, driverRimId, vbiosRimId } from '../../../../functions/privacy/attesters/drivers/nvidia-rim.ts';
import type { FetchFn } from '../../../../functions/privacy/attesters/drivers/http.ts';
import { CollateralUnavailableError } from '../../../../functions/privacy/attesters/collateral/source.ts';
import { FileCollateralSource, fileStem } from '../../../../functions/privacy/attesters/collateral/files.ts';
import { firstOf } from '../../../../functions/privacy/attesters/collateral/first-of.ts';
import type { TdxCollateral } from '../../../../functions/privacy/attesters/domain/tdx/collateral.ts';
import { fixture, fixturePath, fixtureText } from './fixtures.ts';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

interface Seen {
  url: string;
  headers: Record<string, string>;
  method?: string;
}

type Answer = { status?: number; body: string | Uint8Array; headers?: Record<string, string> };

function recorder(answer: (url: string) => Answer): { fetch: FetchFn; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchFn = async (url, init) => {
    seen.push({ url, headers: init?.headers ?? {}, ...(init?.method ? { method: init.method } : {}) });
    const a = answer(url);
    return new Response(typeof a.body === 'string' ? a.body : Buffer.from(a.body), { status: a.status ?? 200, headers: a.headers ?? {} });
  };
  return { fetch, seen };
}

const AT = Date.parse('2026-06-01T00:00:00Z');
const chip = 'ab'.repeat(64);

describe('AMD KDS', () => {
  it('VCEK URL: product, chip id in hex, the four SPLs (Milan/Genoa)', () => {
    expect(vcekUrl({ kind: 'amd-vcek', product: 'Milan', hwid: chip, tcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 } })).toBe(
      `https://kdsintf.amd.com/vcek/v1/Milan/${chip}?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115`,
    );
  });

  it('VCEK URL on Turin: the first 8 bytes of the chip id, fmcSPL first', () => {
    expect(vcekUrl({ kind: 'amd-vcek', product: 'Turin', hwid: chip, tcb: { fmc: 1, bootloader: 2, tee: 3, snp: 4, microcode: 5 } })).toBe(
      `https://kdsintf.amd.com/vcek/v1/Turin/${'ab'.repeat(8)}?fmcSPL=1&blSPL=2&teeSPL=3&snpSPL=4&ucodeSPL=5`,
    );
  });

  it('fetches a VCEK (DER), the VCEK and VLEK chains (PEM) and the CRL', async () => {
    const { fetch, seen } = recorder((url) => ({
      body: url.endsWith('cert_chain') ? fixtureText('sev-snp/virtee-sev/cert_chain_milan') : Buffer.from(fixture('sev-snp/virtee-sev/vcek_milan.der')),
    }));
    const kds = new AmdKdsSource({ fetch });
    const v = await kds.fetch({ kind: 'amd-vcek', product: 'Milan', hwid: chip, tcb: { bootloader: 3, tee: 0, snp: 8, microcode: 115 } }, AT);
    expect(v).toMatchObject({
      key: `amd-vcek/Milan/${chip}/-.3.0.8.115`,
      version: { sequence: 0, issuedAtMs: Date.parse('2023-04-03T19:23:43Z') },
      fetchedAtMs: AT,
    });
    expect(v?.nextUpdateMs).toBeUndefined();
    await kds.fetch({ kind: 'amd-chain', product: 'Genoa', key: 'vlek' }, AT);
    expect(seen.map((s) => s.url)).toEqual([
      `https://kdsintf.amd.com/vcek/v1/Milan/${chip}?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115`,
      'https://kdsintf.amd.com/vlek/v1/Genoa/cert_chain',
    ]);
    expect(seen.every((s) => s.method === 'GET')).toBe(true);
    expect(seen[0]!.headers).toEqual({ accept: 'application/pkix-cert' });
  });

  it('a 429 (KDS throttling) is CollateralUnavailableError with its status', async () => {
    const { fetch } = recorder(() => ({ status: 429, body: 'slow down' }));
    const err = await new AmdKdsSource({ fetch }).fetch({ kind: 'amd-crl', product: 'Milan' }, AT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollateralUnavailableError);
    expect((err as CollateralUnavailableError).status).toBe(429);
  });

  it('answers nothing for keys it does not serve', async () => {
    const { fetch, seen } = recorder(() => ({ body: '' }));
    expect(await new AmdKdsSource({ fetch }).fetch({ kind: 'nvidia-rim', id: 'x' }, AT)).toBeUndefined();
    expect(seen).toEqual([]);
  });
});

describe('Intel PCS', () => {
  const c = JSON.parse(fixtureText('tdx/phala-dcap-qvl/tdx_quote_collateral.json')) as TdxCollateral;
  const pcs = recorder((url): Answer => {
    if (url.includes('/tcb?'))
      return {
        body: `{"tcbInfo":${c.tcb_info},"signature":"${c.tcb_info_signature}"}`,
        headers: { 'TCB-Info-Issuer-Chain': encodeURIComponent(c.tcb_info_issuer_chain) },
      };
    if (url.includes('/qe/identity'))
      return {
        body: `{"enclaveIdentity":${c.qe_identity},"signature":"${c.qe_identity_signature}"}`,
        headers: { 'SGX-Enclave-Identity-Issuer-Chain': encodeURIComponent(c.qe_identity_issuer_chain) },
      };
    if (url.includes('/pckcrl'))
      return { body: Buffer.from(c.pck_crl, 'hex'), headers: { 'SGX-PCK-CRL-Issuer-Chain': encodeURIComponent(c.pck_crl_issuer_chain) } };
    return { body: Buffer.from(c.root_ca_crl, 'hex') };
  });

  it('asks for TCB info by FMSPC, QE identity, the PCK CRL (DER) and the root CA CRL; rebuilds the exact collateral', async () => {
    const r = await new IntelPcsSource({ fetch: pcs.fetch }).fetch({ kind: 'tdx', fmspc: 'b0c06f000000', ca: 'platform' }, AT);
    expect(pcs.seen.map((s) => s.url).sort()).toEqual(
      [
        'https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=B0C06F000000',
        'https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity',
        'https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=platform&encoding=der',
        'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der',
      ].sort(),
    );
    expect(JSON.parse(r!.body)).toEqual(c);
    expect(r).toMatchObject({
      key: 'tdx/b0c06f000000/platform',
      version: {
        sequence: (JSON.parse(c.tcb_info) as { tcbEvaluationDataNumber: number }).tcbEvaluationDataNumber,
        issuedAtMs: Date.parse('2025-06-19T10:16:03Z'),
      },
    });
    expect(r!.nextUpdateMs).toBeLessThanOrEqual(Date.parse('2025-07-19T10:16:03Z'));
  });

  it('a response without its issuer-chain header is refused', async () => {
    const { fetch } = recorder((url) => ({ body: url.includes('/tcb?') ? `{"tcbInfo":${c.tcb_info},"signature":"${c.tcb_info_signature}"}` : 'x' }));
    await expect(new IntelPcsSource({ fetch }).fetch({ kind: 'tdx', fmspc: 'b0c06f000000', ca: 'platform' }, AT)).rejects.toBeInstanceOf(
      CollateralUnavailableError,
    );
  });
});

describe('NVIDIA RIM service', () => {
  const xml = fixtureText('nvidia/nvtrust/Driver_RIM_test_no_gpu.swidtag');
  it('RIM ids as nvtrust builds them', () => {
    expect(driverRimId('545.00')).toBe('NV_GPU_DRIVER_GH100_545.00');
    expect(vbiosRimId('1010', '0200', '882', '96.00.5e.00.01')).toBe('NV_GPU_VBIOS_1010_0200_882_96005E0001');
  });

  it('GET /v1/rim/{id}, base64 document, sha256 checked', async () => {
    const id = 'NV_GPU_DRIVER_GH100_545.00';
    const body = JSON.stringify({ id, rim: Buffer.from(xml).toString('base64'), sha256: createHash('sha256').update(xml).digest('hex') });
    const { fetch, seen } = recorder(() => ({ body, headers: { 'content-type': 'application/json' } }));
    const r = await new NvidiaRimSource({ fetch }).fetch({ kind: 'nvidia-rim', id }, AT);
    expect(seen[0]!.url).toBe('https://rim.attestation.nvidia.com/v1/rim/NV_GPU_DRIVER_GH100_545.00');
    expect(Buffer.from(r!.body, 'base64').toString('utf8')).toBe(xml);
    const bad = recorder(() => ({ body: JSON.stringify({ id, rim: Buffer.from(xml).toString('base64'), sha256: '00'.repeat(32) }) }));
    await expect(new NvidiaRimSource({ fetch: bad.fetch }).fetch({ kind: 'nvidia-rim', id }, AT)).rejects.toBeInstanceOf(CollateralUnavailableError);
  });
});

describe('offline file source', () => {
  it('reads collateral named by its key, and firstOf falls through to the next source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-coll-'));
    copyFileSync(
      fixturePath('tdx/phala-dcap-qvl/tdx_quote_collateral.json'),
      join(dir, `${fileStem({ kind: 'tdx', fmspc: 'B0C06F000000', ca: 'platform' })}.json`),
    );
    writeFileSync(join(dir, 'unrelated.txt'), 'x');
    const files = new FileCollateralSource(dir);
    const r = await files.fetch({ kind: 'tdx', fmspc: 'B0C06F000000', ca: 'platform' }, AT);
    expect(r?.key).toBe('tdx/b0c06f000000/platform');
    expect(await files.fetch({ kind: 'amd-crl', product: 'Milan' }, AT)).toBeUndefined();
    const { fetch, seen } = recorder(() => ({ body: Buffer.from(fixture('sev-snp/virtee-sev/vcek_milan.der')) }));
    const both = firstOf(files, new AmdKdsSource({ fetch }));
    expect((await both.fetch({ kind: 'tdx', fmspc: 'b0c06f000000', ca: 'platform' }, AT))?.key).toBe('tdx/b0c06f000000/platform');
    expect(seen).toHaveLength(0);
    await both.fetch({ kind: 'amd-chain', product: 'Milan', key: 'vcek' }, AT);
    expect(seen).toHaveLength(1);
  });
});
