/**
 * AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP Firmware ABI, "ATTESTATION_REPORT Structure"):
 * 1184 bytes, little-endian, the signature over bytes 0x000–0x29F. Versions 2, 3 and 5 are
 * what Milan, Genoa and Turin firmware write (3+ add the CPUID family/model/stepping, 5 the
 * mitigation vectors); the layout of the signed part is otherwise the same.
 */
import { MalformedEvidenceError } from '../result.ts';
import { Reader } from '../bytes.ts';

export const SNP_REPORT_BYTES = 0x4a0;
export const SNP_SIGNED_BYTES = 0x2a0;
export const SNP_VERSION_MIN = 2;
export const SNP_VERSION_MAX = 5;
/** SIGNATURE_ALGO 1: ECDSA P-384 with SHA-384. */
export const SNP_SIG_ALGO_ECDSA_P384_SHA384 = 1;

export type SnpProduct = 'Milan' | 'Genoa' | 'Turin';
export const SNP_PRODUCTS: readonly SnpProduct[] = ['Milan', 'Genoa', 'Turin'];

/** Which key signed the report (SIGNER_INFO bits 4:2). */
export type SnpSigningKey = 'vcek' | 'vlek' | 'none';

/** The four (five on Turin) security patch levels packed in a TCB_VERSION. */
export interface SnpTcb {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  /** Turin only. */
  fmc?: number;
}

export interface SnpReport {
  version: number;
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  currentTcbRaw: bigint;
  platformInfo: bigint;
  signerInfo: number;
  signingKey: SnpSigningKey;
  maskChipKey: boolean;
  authorKeyEn: boolean;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  reportIdMa: Uint8Array;
  reportedTcbRaw: bigint;
  /** v3+: CPUID Fn0000_0001_EAX family, model, stepping (extended values). */
  cpuid?: { family: number; model: number; stepping: number };
  chipId: Uint8Array;
  committedTcbRaw: bigint;
  currentVersion: string;
  committedVersion: string;
  launchTcbRaw: bigint;
  /** Bytes 0x000–0x29F: what the signature covers. */
  signed: Uint8Array;
  /** R and S, big-endian, 48 bytes each. */
  signatureR: Uint8Array;
  signatureS: Uint8Array;
}

/** POLICY bits (guest policy) the verifiers look at. */
export const POLICY_BITS = { smt: 16n, reserved1: 17n, migrateMa: 18n, debug: 19n, singleSocket: 20n } as const;
/** PLATFORM_INFO bit 0: SMT is enabled on the host. */
export const PLATFORM_SMT_EN = 1n;

export const policyBit = (policy: bigint, bit: bigint): boolean => ((policy >> bit) & 1n) === 1n;

/** Decodes a TCB_VERSION: Milan/Genoa put BL, TEE at bytes 0, 1 and SNP, ucode at 6, 7; Turin puts FMC first. */
export function decodeTcb(raw: bigint, product: SnpProduct): SnpTcb {
  const b = (i: number): number => Number((raw >> BigInt(8 * i)) & 0xffn);
  if (product === 'Turin') return { fmc: b(0), bootloader: b(1), tee: b(2), snp: b(3), microcode: b(7) };
  return { bootloader: b(0), tee: b(1), snp: b(6), microcode: b(7) };
}

/** The product a v3+ report's CPUID names (family 19h: Milan models 00–0Fh, Genoa 10–1Fh and A0–AFh; family 1Ah: Turin). */
export function productFromCpuid(cpuid: { family: number; model: number }): SnpProduct | undefined {
  if (cpuid.family === 0x19 && cpuid.model <= 0x0f) return 'Milan';
  if (cpuid.family === 0x19 && ((cpuid.model >= 0x10 && cpuid.model <= 0x1f) || (cpuid.model >= 0xa0 && cpuid.model <= 0xaf))) return 'Genoa';
  if (cpuid.family === 0x1a && cpuid.model <= 0x1f) return 'Turin';
  return undefined;
}

/** The 72-byte little-endian signature component, as a 48-byte big-endian integer (the high bytes must be zero). */
function component(le: Uint8Array, what: string): Uint8Array {
  const be = Uint8Array.from(le).reverse();
  if (be.subarray(0, be.length - 48).some((x) => x !== 0)) throw new MalformedEvidenceError(`signature ${what} does not fit in 48 bytes`);
  return be.subarray(be.length - 48);
}

const version = (build: number, minor: number, major: number): string => `${major}.${minor}.${build}`;

export function parseSnpReport(bytes: Uint8Array): SnpReport {
  if (bytes.length !== SNP_REPORT_BYTES) throw new MalformedEvidenceError(`an SEV-SNP report is ${SNP_REPORT_BYTES} bytes, not ${bytes.length}`);
  const r = new Reader(bytes, 'SEV-SNP report');
  const ver = r.u32();
  if (ver < SNP_VERSION_MIN || ver > SNP_VERSION_MAX)
    throw new MalformedEvidenceError(`SEV-SNP report version ${ver} is not supported (${SNP_VERSION_MIN}–${SNP_VERSION_MAX})`);
  const guestSvn = r.u32();
  const policy = r.u64();
  const familyId = r.take(16);
  const imageId = r.take(16);
  const vmpl = r.u32();
  const signatureAlgo = r.u32();
  const currentTcbRaw = r.u64();
  const platformInfo = r.u64();
  const signerInfo = r.u32();
  r.skip(4);
  const reportData = r.take(64);
  const measurement = r.take(48);
  const hostData = r.take(32);
  const idKeyDigest = r.take(48);
  const authorKeyDigest = r.take(48);
  const reportId = r.take(32);
  const reportIdMa = r.take(32);
  const reportedTcbRaw = r.u64();
  const fam = r.u8();
  const mod = r.u8();
  const step = r.u8();
  r.offset = 0x1a0;
  const chipId = r.take(64);
  const committedTcbRaw = r.u64();
  const cur = [r.u8(), r.u8(), r.u8()] as const;
  r.skip(1);
  const com = [r.u8(), r.u8(), r.u8()] as const;
  r.skip(1);
  const launchTcbRaw = r.u64();
  if (signatureAlgo !== SNP_SIG_ALGO_ECDSA_P384_SHA384) throw new MalformedEvidenceError(`SIGNATURE_ALGO ${signatureAlgo} is not ECDSA P-384 with SHA-384`);
  const keySel = (signerInfo >> 2) & 0b111;
  const signingKey: SnpSigningKey | undefined = keySel === 0 ? 'vcek' : keySel === 1 ? 'vlek' : keySel === 7 ? 'none' : undefined;
  if (!signingKey) throw new MalformedEvidenceError(`SIGNER_INFO names signing key ${keySel}, which is reserved`);
  const sig = bytes.subarray(SNP_SIGNED_BYTES);
  // The signature field is 512 bytes: R (72), S (72), then reserved bytes that must be zero.
  if (sig.subarray(144).some((x) => x !== 0)) throw new MalformedEvidenceError('the reserved bytes after the signature are not zero');
  return {
    version: ver,
    guestSvn,
    policy,
    familyId,
    imageId,
    vmpl,
    signatureAlgo,
    currentTcbRaw,
    platformInfo,
    signerInfo,
    signingKey,
    maskChipKey: ((signerInfo >> 1) & 1) === 1,
    authorKeyEn: (signerInfo & 1) === 1,
    reportData,
    measurement,
    hostData,
    idKeyDigest,
    authorKeyDigest,
    reportId,
    reportIdMa,
    reportedTcbRaw,
    ...(ver >= 3 ? { cpuid: { family: fam, model: mod, stepping: step } } : {}),
    chipId,
    committedTcbRaw,
    currentVersion: version(...cur),
    committedVersion: version(...com),
    launchTcbRaw,
    signed: bytes.subarray(0, SNP_SIGNED_BYTES),
    signatureR: component(sig.subarray(0, 72), 'R'),
    signatureS: component(sig.subarray(72, 144), 'S'),
  };
}
