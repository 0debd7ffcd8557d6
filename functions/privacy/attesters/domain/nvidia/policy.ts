/** What an NVIDIA GPU report must say to be accepted, beyond its signature and chain. Pure. */
import * as z from 'zod';
import { constantTimeEqual, toHex } from '../bytes.ts';
import type { Findings } from '../result.ts';
import { opaqueFacts, type GpuReport } from './spdm.ts';

export const nvidiaPolicySchema = z.object({
  /** Require the host's CC mode to be "on" when the evidence states it (nvtrust reads it from NVML: it is not in the signed report). */
  requireCcMode: z.boolean().default(true),
  /** Without reference values (RIMs or a configured list) measurements are not compared: refuse (default) or accept. */
  requireReferenceValues: z.boolean().default(true),
  /** The RIMs' colloquialVersion must equal the report's driver / VBIOS version. Default true. */
  requireRimVersionMatch: z.boolean().default(true),
  /** Every certificate of the GPU chain below the root must have a good, current OCSP response in the evidence. Default false (offline). */
  requireOcsp: z.boolean().default(false),
  /** Accepted driver versions (e.g. "550.90.07"); unset: any. */
  driverVersions: z.array(z.string()).optional(),
  /** Accepted VBIOS versions ("96.00.9f.00.01"); unset: any. */
  vbiosVersions: z.array(z.string()).optional(),
  /** Leaf-certificate CN prefixes accepted, i.e. the GPU generation ("GH100" Hopper, "GB100" Blackwell); unset: any that chains. */
  products: z.array(z.string()).optional(),
});

export type NvidiaPolicy = z.output<typeof nvidiaPolicySchema>;
export type NvidiaPolicyInput = z.input<typeof nvidiaPolicySchema>;
export const nvidiaPolicy = (input: NvidiaPolicyInput = {}): NvidiaPolicy => nvidiaPolicySchema.parse(input);

export type CcMode = 'on' | 'off' | 'devtools';

export function applyNvidiaPolicy(report: GpuReport, challenge: Uint8Array, ccMode: CcMode | undefined, policy: NvidiaPolicy, f: Findings): void {
  if (!constantTimeEqual(report.request.nonce, challenge)) f.fail('nonce_mismatch', 'the SPDM requester nonce is not the expected challenge');
  if (policy.requireCcMode && ccMode !== undefined && ccMode !== 'on') f.fail('debug_enabled', `the GPU's CC mode is ${ccMode}, not on`);
  const o = opaqueFacts(report);
  if (!o.driverVersion || !o.vbiosVersion) f.fail('malformed', 'the report carries no driver or VBIOS version');
  if (o.nvdec0 === 'invalid') f.fail('malformed', 'the NVDEC0 status is neither enabled nor disabled');
  if (policy.driverVersions && !policy.driverVersions.includes(o.driverVersion ?? ''))
    f.fail('measurement_mismatch', `driver ${o.driverVersion} is not an accepted version`);
  if (policy.vbiosVersions && !policy.vbiosVersions.map((v) => v.toLowerCase()).includes(o.vbiosVersion ?? ''))
    f.fail('measurement_mismatch', `VBIOS ${o.vbiosVersion} is not an accepted version`);
}

export function nvidiaClaims(
  report: GpuReport,
  leafCn: string,
  ccMode: CcMode | undefined,
  compared: { matched: number; compared: number; sources: string[] },
) {
  const o = opaqueFacts(report);
  return {
    kind: 'nvidia' as const,
    vendor: 'NVIDIA',
    gpu: leafCn.split(' ')[0] ?? leafCn,
    deviceCertificate: leafCn,
    driverVersion: o.driverVersion,
    vbiosVersion: o.vbiosVersion,
    project: o.project,
    projectSku: o.projectSku,
    chipSku: o.chipSku,
    nvdec0: o.nvdec0,
    ccMode: ccMode ?? 'not_stated',
    nonce: toHex(report.request.nonce),
    measurements: Object.fromEntries(report.response.blocks.map((b) => [String(b.index), toHex(b.value)])),
    referenceValues: compared,
  };
}

export type NvidiaClaims = ReturnType<typeof nvidiaClaims>;
