/** How artifacts are shown over the API: no object keys, no wrapped keys, no internals. */
import { shownState, type Artifact } from './domain/artifact.ts';

/** `nowMs`: an output past its expiry shows `expired`. */
export function artifactView(a: Artifact, nowMs: number) {
  return {
    artifactId: a.artifactId,
    kind: a.kind,
    name: a.name,
    size: a.size,
    merkleRoot: a.merkleRoot,
    state: shownState(a, nowMs),
    createdAt: a.createdAt,
    ...(a.uploadedAt ? { uploadedAt: a.uploadedAt } : {}),
    ...(a.jobId ? { jobId: a.jobId } : {}),
    ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}),
    ...(a.deletedAt ? { deletedAt: a.deletedAt } : {}),
  };
}
