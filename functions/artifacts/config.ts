/** The artifacts context's configuration, from its environment contract (definitions/environment.ts). */
import { ArtifactsEnv, parseEnv } from '../definitions/environment.ts';

/** Parts per file at most: each has a presigned URL in the create answer (well under Lambda's 6 MB reply). */
export const MAX_PARTS = 1000;

export interface ArtifactsConfig {
  bucket: string;
  s3Endpoint?: string;
  keyWrapper: 'kms' | 'local';
  kmsKeyId?: string;
  localKey?: Uint8Array;
  maxBytes: number;
  /** Multipart above this many sealed bytes, in parts of this size. */
  partBytes: number;
  maxInputs: number;
  maxOutputs: number;
  /** A job's outputs together (sealed bytes). */
  maxJobOutputBytes: number;
  urlTtlS: number;
  /** Outputs are kept this many days (the bucket's lifecycle rule). */
  outputExpiryDays: number;
}

export function loadArtifactsConfig(env: Readonly<Record<string, string | undefined>>): ArtifactsConfig {
  const e = parseEnv(ArtifactsEnv, env, 'artifacts configuration');
  if (e.VRACU_ARTIFACTS_KEY_WRAPPER === 'kms' && !e.VRACU_ARTIFACTS_KMS_KEY_ID)
    throw new Error('VRACU_ARTIFACTS_KEY_WRAPPER=kms needs VRACU_ARTIFACTS_KMS_KEY_ID');
  if (e.VRACU_ARTIFACTS_KEY_WRAPPER === 'local' && !e.VRACU_ARTIFACTS_LOCAL_KEY)
    throw new Error('VRACU_ARTIFACTS_KEY_WRAPPER=local needs VRACU_ARTIFACTS_LOCAL_KEY (64 hex digits); in the cloud set VRACU_ARTIFACTS_KEY_WRAPPER=kms');
  // S3 takes at most 10,000 parts, and every part's URL is in one answer: keep a file's parts to 1,000.
  if (Math.ceil(e.VRACU_ARTIFACT_MAX_BYTES / e.VRACU_ARTIFACT_PART_BYTES) > MAX_PARTS)
    throw new Error(
      `VRACU_ARTIFACT_MAX_BYTES (${e.VRACU_ARTIFACT_MAX_BYTES}) over VRACU_ARTIFACT_PART_BYTES (${e.VRACU_ARTIFACT_PART_BYTES}) makes more than ${MAX_PARTS} parts: raise the part size`,
    );
  return {
    bucket: e.VRACU_ARTIFACTS_BUCKET,
    ...(e.S3_ENDPOINT ? { s3Endpoint: e.S3_ENDPOINT } : {}),
    keyWrapper: e.VRACU_ARTIFACTS_KEY_WRAPPER,
    ...(e.VRACU_ARTIFACTS_KMS_KEY_ID ? { kmsKeyId: e.VRACU_ARTIFACTS_KMS_KEY_ID } : {}),
    ...(e.VRACU_ARTIFACTS_LOCAL_KEY ? { localKey: Buffer.from(e.VRACU_ARTIFACTS_LOCAL_KEY, 'hex') } : {}),
    maxBytes: e.VRACU_ARTIFACT_MAX_BYTES,
    partBytes: e.VRACU_ARTIFACT_PART_BYTES,
    maxInputs: e.VRACU_JOB_MAX_INPUTS,
    maxOutputs: e.VRACU_JOB_MAX_OUTPUTS,
    maxJobOutputBytes: e.VRACU_JOB_OUTPUT_MAX_BYTES,
    urlTtlS: e.VRACU_ARTIFACT_URL_TTL_S,
    outputExpiryDays: e.VRACU_ARTIFACT_OUTPUT_EXPIRY_DAYS,
  };
}
