/**
 * Collateral: what a verifier needs besides the evidence and the pinned roots: AMD VCEKs,
 * certificate chains and CRLs (KDS), Intel TDX TCB info, QE identity and CRLs (PCS), NVIDIA
 * RIMs. One port for every origin (vendor services, files, the DynamoDB cache), so the verifiers
 * never know where collateral came from; `version` and `nextUpdateMs` let the cache honour the
 * vendors' update windows and never go back to older collateral.
 */

/** What to fetch. Keys are stable strings: they are also the cache's keys. */
export type CollateralKey =
  | { kind: 'amd-vcek'; product: string; hwid: string; tcb: { bootloader: number; tee: number; snp: number; microcode: number; fmc?: number } }
  | { kind: 'amd-chain'; product: string; key: 'vcek' | 'vlek' }
  | { kind: 'amd-crl'; product: string }
  | { kind: 'tdx'; fmspc: string; ca: 'platform' | 'processor' }
  | { kind: 'nvidia-rim'; id: string };

export interface CollateralRecord {
  /** `keyString(key)`. */
  key: string;
  /** The collateral as the vendor served it: base64 of DER/PEM bytes, or JSON text (TDX, the dcap-qvl collateral shape). */
  body: string;
  /** Orders versions of one key: newer wins, older is refused (TCB info: tcbEvaluationDataNumber then issueDate; CRLs: thisUpdate). */
  version: { sequence: number; issuedAtMs: number };
  /** After this the vendor has (or will have) newer collateral; unset: immutable (a VCEK, a RIM). */
  nextUpdateMs?: number;
  fetchedAtMs: number;
}

export interface CollateralSource {
  /** The collateral for `key`, or undefined when this source has none. Network errors throw CollateralUnavailableError. */
  fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined>;
}

export class CollateralUnavailableError extends Error {
  readonly code = 'collateral_unavailable' as const;
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CollateralUnavailableError';
  }
}

export function keyString(k: CollateralKey): string {
  switch (k.kind) {
    case 'amd-vcek': {
      const t = k.tcb;
      return `amd-vcek/${k.product}/${k.hwid.toLowerCase()}/${t.fmc ?? '-'}.${t.bootloader}.${t.tee}.${t.snp}.${t.microcode}`;
    }
    case 'amd-chain':
      return `amd-chain/${k.product}/${k.key}`;
    case 'amd-crl':
      return `amd-crl/${k.product}`;
    case 'tdx':
      return `tdx/${k.fmspc.toLowerCase()}/${k.ca}`;
    case 'nvidia-rim':
      return `nvidia-rim/${k.id}`;
  }
}

/** `a` is strictly newer than `b`. */
export const newer = (a: CollateralRecord['version'], b: CollateralRecord['version']): boolean =>
  a.sequence > b.sequence || (a.sequence === b.sequence && a.issuedAtMs > b.issuedAtMs);

/** Still inside its update window at `atMs`. */
export const fresh = (r: CollateralRecord, atMs: number): boolean => r.nextUpdateMs === undefined || atMs < r.nextUpdateMs;
