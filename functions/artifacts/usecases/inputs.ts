/**
 * A buyer's input: created with its size, Merkle root and file key (the CLI sealed the file
 * locally); the file key is wrapped at once under the owner's context and only the wrapped
 * blob is stored. The answer carries a presigned PUT scoped to the one object and its size.
 * Complete checks the object is there with that size, then the record is `uploaded`.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { isoAt } from '../../platform/clock.ts';
import { inputKeyContext, inputObjectKey, type Artifact } from '../domain/artifact.ts';
import type { PresignedUrl } from '../drivers/object-store.ts';
import { artifactsError } from '../errors.ts';
import { getArtifact, markUploaded, putArtifact } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';

export interface CreateInput {
  name: string;
  size: number;
  merkleRoot: string;
  fileKey: Uint8Array;
}

export async function createInput(d: ArtifactsDeps, p: Principal, input: CreateInput): Promise<{ artifact: Artifact; upload: PresignedUrl }> {
  if (input.size > d.cfg.maxBytes)
    throw artifactsError('artifact_too_large', `a sealed artifact holds at most ${d.cfg.maxBytes} bytes`, { limit: d.cfg.maxBytes });
  const now = d.rt.clock.nowMs();
  const artifactId = d.rt.ids.next('art');
  const base = { tenant: p.tenant, artifactId };
  let wrapped: Uint8Array;
  try {
    wrapped = await d.keys.wrap(input.fileKey, inputKeyContext(base));
  } finally {
    input.fileKey.fill(0);
  }
  const artifact: Artifact = {
    artifactId,
    kind: 'input',
    tenant: p.tenant,
    ownerId: p.id,
    name: input.name,
    size: input.size,
    merkleRoot: input.merkleRoot,
    state: 'pending',
    objectKey: inputObjectKey(p.tenant, artifactId),
    createdAt: isoAt(now),
    wrappedKey: Buffer.from(wrapped).toString('base64'),
  };
  if (!(await putArtifact(d.store, artifact))) throw new Error(`artifact id ${artifactId} collided`);
  return { artifact, upload: await d.objects.presignPut(artifact.objectKey, artifact.size, d.cfg.urlTtlS, now) };
}

/** An artifact the caller may see (its tenant's; admin sees all); anyone else's is a 404. */
export async function visibleArtifact(d: ArtifactsDeps, p: Principal, artifactId: string): Promise<Artifact> {
  return visibleOr404(p, await getArtifact(d.store, artifactId), (a) => ({ tenant: a.tenant }), `artifact ${artifactId}`);
}

export async function completeInput(d: ArtifactsDeps, p: Principal, artifactId: string): Promise<Artifact> {
  const a = await visibleArtifact(d, p, artifactId);
  if (a.state === 'uploaded') return a;
  const head = await d.objects.head(a.objectKey);
  if (!head) throw artifactsError('upload_incomplete', `nothing was uploaded for ${artifactId}`);
  if (head.size !== a.size)
    throw artifactsError('upload_incomplete', `uploaded ${head.size} bytes, declared ${a.size}`, { uploaded: head.size, declared: a.size });
  return (await markUploaded(d.store, artifactId, isoAt(d.rt.clock.nowMs()))) ?? ((await getArtifact(d.store, artifactId)) as Artifact);
}
