/**
 * What hardware a provider has proven (issue: attesters, "the catalog records which evidence
 * kinds a provider has proven and when"). A provider asks for a nonce, makes evidence over the
 * challenge of its own id and that nonce (the same formula as a job's handshake,
 * docs/attestation.md, with the provider id in the job id's place: a `prv_` id never equals a
 * `job_` id, so a proof cannot be replayed as a job's evidence or the other way round), and the
 * exchange's verifiers check it against the pinned roots. Placement gives a job that requires
 * hardware evidence only to a provider that has proven every kind it requires, recently enough.
 *
 * `development` evidence proves nothing about hardware: it needs no proof (any provider may run
 * a development-attested job on a stage that accepts it; a prod stage's gate refuses it).
 */
export const HARDWARE_KINDS = ['snp', 'tdx', 'nvidia'] as const;
export type HardwareKind = (typeof HARDWARE_KINDS)[number];

export interface Proof {
  /** When the exchange verified it (ISO). */
  at: string;
  atMs: number;
  /** SHA-256 of the verified claims' canonical JSON: what was proven, without repeating it. */
  claimsDigest: string;
}

export type Proven = Partial<Record<HardwareKind, Proof>>;

/** A proof counts for placement this long (a day): hardware is re-proven, not trusted forever. */
export const PROOF_VALID_MS = 24 * 3_600_000;

/** How long a provider's evidence nonce may be used. */
export const EVIDENCE_NONCE_TTL_MS = 5 * 60_000;

export const isHardwareKind = (k: string): k is HardwareKind => (HARDWARE_KINDS as readonly string[]).includes(k);

/** The hardware kinds of a job's required attesters (development and unknown names need no proof). */
export const hardwareNeeds = (attesters: readonly string[] | undefined): HardwareKind[] => [...new Set((attesters ?? []).filter(isHardwareKind))].sort();

/** The kinds proven and still valid at `nowMs`. */
export function validKinds(proven: Proven | null, nowMs: number): Set<HardwareKind> {
  const out = new Set<HardwareKind>();
  for (const k of HARDWARE_KINDS) {
    const p = proven?.[k];
    if (p && nowMs - p.atMs < PROOF_VALID_MS && p.atMs <= nowMs) out.add(k);
  }
  return out;
}

/** Whether proofs valid now cover every needed kind. */
export const covers = (valid: ReadonlySet<HardwareKind>, needs: readonly HardwareKind[]): boolean => needs.every((k) => valid.has(k));
