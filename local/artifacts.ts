/**
 * The artifacts context on the local stack: its bucket on the S3 API of the embedded fauxqs
 * server (the SQS engine's endpoint serves S3 too) and the local key wrapper's master key,
 * kept 0600 in the data dir (a fresh one per run with --memory).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Runtime } from '../functions/platform/runtime.ts';
import { composeArtifacts, loadArtifactsConfig, type ArtifactsDeps } from '../functions/artifacts/index.ts';
import { s3Client } from '../functions/artifacts/drivers/object-store.ts';

function localMasterKey(dataDir: string | null): string {
  const file = dataDir ? join(dataDir, 'artifacts.key') : null;
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  if (file) {
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return key;
}

/** Limits and lifetimes the stack's environment may set (docs/artifacts.md); the store and the wrapper are the stack's own. */
const TUNABLE = [
  'VRACU_ARTIFACT_MAX_BYTES',
  'VRACU_ARTIFACT_PART_BYTES',
  'VRACU_JOB_MAX_INPUTS',
  'VRACU_JOB_MAX_OUTPUTS',
  'VRACU_JOB_OUTPUT_MAX_BYTES',
  'VRACU_ARTIFACT_URL_TTL_S',
] as const;

export async function localArtifacts(
  rt: Runtime,
  s3Endpoint: string,
  dataDir: string | null,
  prefix: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<ArtifactsDeps> {
  const config = loadArtifactsConfig({
    ...Object.fromEntries(TUNABLE.filter((k) => env[k] !== undefined).map((k) => [k, env[k]])),
    VRACU_ARTIFACTS_BUCKET: `${prefix}-artifacts`,
    S3_ENDPOINT: s3Endpoint,
    VRACU_ARTIFACTS_KEY_WRAPPER: 'local',
    VRACU_ARTIFACTS_LOCAL_KEY: localMasterKey(dataDir),
  });
  const s3 = s3Client(rt.config.AWS_REGION, s3Endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: config.bucket }));
  s3.destroy();
  return composeArtifacts({ rt, config });
}
