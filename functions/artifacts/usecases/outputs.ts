/**
 * Outputs, the lifecycle's seam (index.ts). Before the workload runs, outputSlots gives the
 * sidecar the buyer's X25519 key and artifact ids under the job's own prefix, recorded as the
 * job's grant (the first grant stays: a handshake made again gets the same ids); the sidecar
 * asks for each one's upload once its sealed size is known (sidecar.ts, `sidecarUpload`), so no
 * URL has to outlive the workload, and only for those ids. After the sidecar uploaded,
 * recordOutputs completes the multipart uploads it reports and records each output (name, size,
 * Merkle root, HPKE-sealed file key) once the object is there with that size: over a limit
 * every reported object is deleted and refused, so nothing half-recorded remains. The Merkle
 * roots go into the deletion attestation.
 */
import { isoAt } from '../../platform/clock.ts';
import type { UploadedParts } from '../../platform/http/presigned-upload.ts';
import { getJob } from '../../jobs/index.ts';
import { ARTIFACT_NAME, outputExpiryMs, outputObjectKey, recordTtlSec, type Artifact } from '../domain/artifact.ts';
import { artifactsError } from '../errors.ts';
import { getArtifact, getEncryptionKey, putArtifact, putOutputGrant } from '../store/artifact-store.ts';
import type { ArtifactsDeps } from '../deps.ts';
import { completeUpload } from './uploads.ts';

export interface OutputSlot {
  artifactId: string;
}

export interface OutputGrant {
  /** The buyer's X25519 public key (hex). */
  recipientPublicKey: string;
  maxBytes: number;
  /** All outputs together (sealed bytes). */
  maxTotalBytes: number;
  slots: OutputSlot[];
}

/** `tenant`: the job's, when the caller holds the job already (the sidecar's routes, the gate): one read fewer. */
export async function outputSlots(d: ArtifactsDeps, r: { jobId: string; count: number; tenant?: string }): Promise<OutputGrant> {
  const tenant = r.tenant ?? (await getJob(d.jobsStore, r.jobId))?.tenant;
  if (!tenant) throw new Error(`job ${r.jobId} not found`);
  const key = await getEncryptionKey(d.store, tenant);
  if (!key) throw artifactsError('encryption_key_missing', `the buyer of job ${r.jobId} has registered no encryption key (vracu keys encryption)`);
  const nowMs = d.rt.clock.nowMs();
  const grant = await putOutputGrant(d.store, {
    jobId: r.jobId,
    slots: Array.from({ length: r.count }, () => d.rt.ids.next('art')),
    createdAt: isoAt(nowMs),
    // Kept as long as the outputs' records could be, then TTL'd.
    ttlSec: recordTtlSec(outputExpiryMs(nowMs, d.cfg.outputExpiryDays)),
  });
  return {
    recipientPublicKey: key.publicKey,
    maxBytes: d.cfg.maxBytes,
    maxTotalBytes: d.cfg.maxJobOutputBytes,
    slots: grant.slots.map((artifactId) => ({ artifactId })),
  };
}

export interface ReportedOutput {
  artifactId: string;
  name: string;
  size: number;
  merkleRoot: string;
  sealedKey: string;
  /** Over the part size: the multipart upload to complete. */
  multipart?: UploadedParts;
}

export async function recordOutputs(d: ArtifactsDeps, r: { jobId: string; outputs: ReportedOutput[] }): Promise<Artifact[]> {
  const job = await getJob(d.jobsStore, r.jobId);
  if (!job) throw new Error(`job ${r.jobId} not found`);
  const nowMs = d.rt.clock.nowMs();
  const now = isoAt(nowMs);
  const expiresAt = isoAt(outputExpiryMs(nowMs, d.cfg.outputExpiryDays));
  const recorded: Artifact[] = [];
  if (r.outputs.length > d.cfg.maxOutputs) throw artifactsError('too_many_outputs', `${r.outputs.length} outputs, at most ${d.cfg.maxOutputs}`);
  for (const o of r.outputs) if (o.multipart) await completeUpload(d, outputObjectKey(r.jobId, o.artifactId), o.size, o.multipart, `output ${o.name}`);
  // Every object checked before anything is recorded; over a limit, every reported object is deleted.
  let total = 0;
  const heads = new Map<string, { size: number } | null>();
  for (const o of r.outputs) {
    const head = await d.objects.head(outputObjectKey(r.jobId, o.artifactId));
    heads.set(o.artifactId, head);
    total += head?.size ?? 0;
    if ((head?.size ?? 0) > d.cfg.maxBytes || total > d.cfg.maxJobOutputBytes) {
      for (const x of r.outputs) await d.objects.remove(outputObjectKey(r.jobId, x.artifactId));
      throw artifactsError(
        'output_too_large',
        `output ${o.name}: the job's outputs are over ${d.cfg.maxBytes} bytes each or ${d.cfg.maxJobOutputBytes} together`,
        {
          limit: d.cfg.maxBytes,
          jobLimit: d.cfg.maxJobOutputBytes,
        },
      );
    }
  }
  for (const o of r.outputs) {
    if (!ARTIFACT_NAME.test(o.name)) throw artifactsError('upload_incomplete', `output name ${JSON.stringify(o.name)} is not one path segment`);
    const objectKey = outputObjectKey(r.jobId, o.artifactId);
    // Read once above; an object over the per-file limit was refused there.
    const head = heads.get(o.artifactId);
    if (!head || head.size !== o.size)
      throw artifactsError('upload_incomplete', `output ${o.name}: the object holds ${head?.size ?? 'nothing'}, reported ${o.size}`);
    const a: Artifact = {
      artifactId: o.artifactId,
      kind: 'output',
      tenant: job.tenant,
      ownerId: job.ownerId,
      name: o.name,
      size: o.size,
      merkleRoot: o.merkleRoot,
      state: 'uploaded',
      objectKey,
      createdAt: now,
      uploadedAt: now,
      jobId: r.jobId,
      sealedKey: o.sealedKey,
      expiresAt,
    };
    if (!(await putArtifact(d.store, a))) {
      // The same report made again (its answer was lost) finds its own record: recorded once.
      const had = await getArtifact(d.store, o.artifactId);
      if (!had || had.jobId !== r.jobId || had.merkleRoot !== o.merkleRoot || had.size !== o.size || had.name !== o.name || had.sealedKey !== o.sealedKey)
        throw artifactsError('artifact_already_uploaded', `output ${o.artifactId} is already recorded`);
      recorded.push(had);
      continue;
    }
    recorded.push(a);
  }
  return recorded;
}
