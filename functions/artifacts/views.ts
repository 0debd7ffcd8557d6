/** How artifacts are shown over the API: no object keys, no wrapped keys, no internals. */
import type { Artifact } from './domain/artifact.ts';

export function artifactView(a: Artifact) {
  return {
    artifactId: a.artifactId,
    kind: a.kind,
    name: a.name,
    size: a.size,
    merkleRoot: a.merkleRoot,
    state: a.state,
    createdAt: a.createdAt,
    ...(a.uploadedAt ? { uploadedAt: a.uploadedAt } : {}),
    ...(a.jobId ? { jobId: a.jobId } : {}),
  };
}
