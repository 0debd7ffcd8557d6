/**
 * The privacy context's composition: the runtime, its two tables, the jobs context (an attested
 * job's lifecycle, through jobs' index.ts), the gate's attesters and THE key broker, chosen by
 * config (config.ts) and built at start, so a misconfigured broker fails before any request.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { jobsContext, type JobsDeps } from '../jobs/index.ts';
import { artifactsContext, type ArtifactsDeps } from '../artifacts/index.ts';
import { loadPrivacyConfig, type PrivacyConfig } from './config.ts';
import type { KeyBroker } from './domain/broker.ts';
import { JobCa, KmsCaSigner, LocalCaSigner } from './drivers/job-ca.ts';
import type { Attesters } from './drivers/attesters.ts';
import { KmsBroker } from './drivers/kms-broker.ts';
import { readFeed, type FeedReader } from './drivers/feed.ts';
import { StaticBroker } from './drivers/static-broker.ts';
import { SplitKeyBroker } from './drivers/split-key-broker.ts';
import { VaultTransitBroker } from './drivers/vault-transit-broker.ts';

export interface PrivacyDeps extends HasRuntime {
  cfg: PrivacyConfig;
  sessions: StoreCtx;
  revocations: StoreCtx;
  jobs: JobsDeps;
  broker: KeyBroker;
  /**
   * The gate's hardware verifiers: only the handshake judges evidence, so only its composition
   * builds them (functions/api/privacy-handshake.ts; the local stack and tests pass them); their
   * libraries would triple every other privacy function's bundle.
   */
  attesters?: Attesters | undefined;
  readFeed: FeedReader;
  /** The artifacts context (through its index.ts): the gate releases a job's inputs after the handshake. */
  artifacts?: ArtifactsDeps;
  /** The platform CA: the handshake issues the job's TLS certificate (none configured: no certificate). */
  jobCa?: JobCa;
}

export interface PrivacyInputs {
  rt: Runtime;
  config: PrivacyConfig;
  jobs: JobsDeps;
  /** A broker of the caller's (tests); otherwise the configured one. */
  broker?: KeyBroker;
  /** KMS for `aws_kms` (default: a client for the runtime's region, at the configured endpoint if any). */
  kms?: () => KMSClient;
  attesters?: Attesters;
  readFeed?: FeedReader;
  artifacts?: ArtifactsDeps;
}

/** The configured broker; throws at start when its configuration is incomplete. */
export function brokerFor(cfg: PrivacyConfig, rt: Runtime, kms?: () => KMSClient): KeyBroker {
  switch (cfg.broker) {
    case 'static':
      return new StaticBroker(cfg.staticBroker!.seed, cfg.staticBroker!.salt);
    case 'aws_kms': {
      const client = kms?.() ?? new KMSClient({ region: rt.config.AWS_REGION, ...(cfg.kms!.endpoint ? { endpoint: cfg.kms!.endpoint } : {}) });
      return new KmsBroker(client, cfg.kms!.keyId);
    }
    case 'split_key':
      return new SplitKeyBroker(brokerFor({ ...cfg, broker: cfg.split!.primary }, rt, kms), cfg.split!.shareService);
    case 'vault_transit':
      return new VaultTransitBroker(cfg.vault!);
  }
}

export function composePrivacy(i: PrivacyInputs): PrivacyDeps {
  const { rt, config: cfg } = i;
  return {
    rt,
    cfg,
    sessions: { doc: rt.doc, table: rt.table('sessions') },
    revocations: { doc: rt.doc, table: rt.table('revocations') },
    jobs: i.jobs,
    broker: i.broker ?? brokerFor(cfg, rt, i.kms),
    attesters: i.attesters,
    readFeed: i.readFeed ?? readFeed,
    ...(i.artifacts ? { artifacts: i.artifacts } : {}),
    ...(cfg.jobCa ? { jobCa: jobCaFor(cfg.jobCa, rt, i.kms) } : {}),
  };
}

/** The configured CA; its certificate is checked at once, its key against it at the first issue. */
function jobCaFor(c: NonNullable<PrivacyConfig['jobCa']>, rt: Runtime, kms?: () => KMSClient): JobCa {
  const signer =
    c.signer.kind === 'local'
      ? new LocalCaSigner(c.signer.keyPem)
      : new KmsCaSigner(kms?.() ?? new KMSClient({ region: rt.config.AWS_REGION }), c.signer.keyId);
  return new JobCa(signer, c.certificatePem);
}

export const privacyContext: Composition<PrivacyDeps> = {
  context: 'privacy',
  fromEnv(env) {
    const rt = runtimeFromEnv(env);
    const artifacts = env.VRACU_ARTIFACTS_BUCKET ? artifactsContext.fromEnv(env) : undefined;
    return composePrivacy({ rt, config: loadPrivacyConfig(env, rt.config.VRACU_STAGE), jobs: jobsContext.fromEnv(env), ...(artifacts ? { artifacts } : {}) });
  },
};
