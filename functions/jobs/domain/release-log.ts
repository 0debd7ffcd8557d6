/**
 * Offline checks of an attested job's key-release log (the owner's privacy view,
 * GET /v1/jobs/{id}/privacy) against its signed attestations: the exchange released keys only
 * for the attested hash, in step order, and only while the attested container lived.
 */

export interface ReleaseLine {
  jobId: string;
  sessionId: string;
  step: number;
  attestationHash: string;
  at: string;
}

/** The part of the privacy view these checks read (extra fields are ignored). */
export interface PrivacyViewInput {
  jobId: string;
  attestationHash: string | null;
  session: { sessionId: string } | null;
  releases: ReleaseLine[];
}

/**
 * Each failed check, as a fact (empty when the log agrees). `creation`/`deletion` are the
 * attestations as served; their signatures are checked by verifyAttestations, not here.
 */
export function verifyReleaseLog(
  view: PrivacyViewInput,
  creation: Record<string, unknown> | null | undefined,
  deletion: Record<string, unknown> | null | undefined,
): string[] {
  const problems = new Set<string>();
  const releases = Array.isArray(view.releases) ? view.releases : [];
  if (!Array.isArray(view.releases)) problems.add('releases_malformed');
  if (view.jobId !== creation?.jobId && creation) problems.add('privacy_view_job_id_mismatch');
  const hash = creation?.attestationHash ?? deletion?.attestationHash;
  if (releases.length && hash === undefined) problems.add('release_without_attested_creation');
  if (view.attestationHash !== null && hash !== undefined && view.attestationHash !== hash) problems.add('privacy_view_attestation_hash_mismatch');
  const created = Date.parse(String(creation?.createdAt));
  const destroyed = deletion ? Date.parse(String(deletion.destroyedAt)) : Number.NaN;
  // Release order is the order of time; within one millisecond the log's own order stands (stable sort).
  const timed = releases.map((r, i) => ({ r, i, at: Date.parse(String(r.at)) }));
  const bySession = new Map<string, typeof timed>();
  for (const t of timed) {
    const { r } = t;
    if (r.jobId !== view.jobId) problems.add('release_job_id_mismatch');
    if (hash !== undefined && r.attestationHash !== hash) problems.add('release_attestation_hash_mismatch');
    if (view.session && r.sessionId !== view.session.sessionId) problems.add('release_session_unknown');
    if (!Number.isInteger(r.step) || r.step < 0) problems.add('release_step_invalid');
    if (!Number.isFinite(t.at)) problems.add('release_time_invalid');
    else {
      if (Number.isFinite(created) && t.at < created) problems.add('release_before_creation');
      if (Number.isFinite(destroyed) && t.at > destroyed) problems.add('release_after_destruction');
    }
    const list = bySession.get(r.sessionId) ?? [];
    list.push(t);
    bySession.set(r.sessionId, list);
  }
  for (const list of bySession.values()) {
    list.sort((a, b) => a.at - b.at || a.i - b.i);
    if (list[0]!.r.step !== 0) problems.add('release_steps_not_from_zero');
    for (let k = 1; k < list.length; k++) if (!(list[k]!.r.step > list[k - 1]!.r.step)) problems.add('release_steps_not_increasing');
  }
  return [...problems];
}
