/**
 * The anchors a verifier trusts. Production code always uses PINNED (the vendor roots compiled
 * in); the kind-level verifiers accept another set only so that tests can build evidence under
 * a test CA for cases no public vector covers. The one entry point (verify.ts) never passes one.
 */
import type { SnpProduct } from '../domain/snp/report.ts';
import { AMD_ROOTS, type AmdProductRoots } from './amd.ts';
import { INTEL_SGX_ROOT_CA } from './intel.ts';
import { NVIDIA_DEVICE_ROOT, NVIDIA_RIM_ROOT } from './nvidia.ts';
import type { PinnedCert } from './pinned.ts';

export interface TrustAnchors {
  amd: Readonly<Record<SnpProduct, AmdProductRoots>>;
  intel: PinnedCert;
  nvidiaDevice: PinnedCert;
  nvidiaRim: PinnedCert;
}

export const PINNED: TrustAnchors = { amd: AMD_ROOTS, intel: INTEL_SGX_ROOT_CA, nvidiaDevice: NVIDIA_DEVICE_ROOT, nvidiaRim: NVIDIA_RIM_ROOT };
