/**
 * The artifacts context's composition: its table, the jobs table (read: whose job it is),
 * the bucket (S3; fauxqs locally) and the key-wrapping port (KMS in the cloud, a local
 * AES-GCM key on the local stack), all from explicit inputs.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { loadArtifactsConfig, type ArtifactsConfig } from './config.ts';
import type { KeyWrapper } from './drivers/key-wrapper.ts';
import { KmsKeyWrapper } from './drivers/kms-key-wrapper.ts';
import { LocalKeyWrapper } from './drivers/local-key-wrapper.ts';
import { S3ObjectStore, s3Client, type ObjectStore } from './drivers/object-store.ts';

export interface ArtifactsDeps extends HasRuntime {
  cfg: ArtifactsConfig;
  store: StoreCtx;
  /** The jobs table, read only, through the jobs context's index.ts. */
  jobsStore: StoreCtx;
  objects: ObjectStore;
  keys: KeyWrapper;
}

export interface ArtifactsInputs {
  rt: Runtime;
  config: ArtifactsConfig;
  objects?: ObjectStore;
  keys?: KeyWrapper;
  kms?: () => KMSClient;
}

export function composeArtifacts(i: ArtifactsInputs): ArtifactsDeps {
  const { rt, config: cfg } = i;
  const keys =
    i.keys ??
    (cfg.keyWrapper === 'kms'
      ? new KmsKeyWrapper(i.kms?.() ?? new KMSClient({ region: rt.config.AWS_REGION }), cfg.kmsKeyId!)
      : new LocalKeyWrapper(cfg.localKey!));
  return {
    rt,
    cfg,
    store: { doc: rt.doc, table: rt.table('artifacts') },
    jobsStore: { doc: rt.doc, table: rt.table('jobs') },
    objects: i.objects ?? new S3ObjectStore(s3Client(rt.config.AWS_REGION, cfg.s3Endpoint), cfg.bucket),
    keys,
  };
}

export const artifactsContext: Composition<ArtifactsDeps> = {
  context: 'artifacts',
  fromEnv(env) {
    return composeArtifacts({ rt: runtimeFromEnv(env), config: loadArtifactsConfig(env) });
  },
};
