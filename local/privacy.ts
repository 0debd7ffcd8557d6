/**
 * The privacy context on the local stack, as a plugin: composed on the jobs context the jobs
 * plugin provided, with the broker the stack's environment names: the static broker on the
 * development seed by default; with `VRACU_KEY_BROKER=aws_kms` the real KMS code path, against
 * VRACU_KMS_ENDPOINT or, when none is given, the loopback KMS-compatible service started here
 * (local/kms/loopback.ts; key `alias/vracu-local-jobs` unless VRACU_KEY_BROKER_KMS_KEY_ID says otherwise).
 * With `VRACU_KEY_BROKER=split_key` and no VRACU_SHARE_SERVICE_URL, the share service starts on a
 * second loopback port with a key of its own (random, per start) and a fresh credential.
 * The job CA (certificates for the sidecars' TLS keys) is the stack's own unless the
 * environment names one: a P-256 key and its self-signed certificate kept in the data dir
 * (job-ca.key 0600, job-ca.pem), made on the first start; without a data dir, in memory.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { composePrivacy } from '../functions/privacy/deps.ts';
import { loadPrivacyConfig } from '../functions/privacy/config.ts';
import { randomBytes } from 'node:crypto';
import { startShareService, type ShareService } from '../functions/privacy/drivers/share-service.ts';
import { startLoopbackKms, type LoopbackKms } from './kms/loopback.ts';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newLocalCa } from '../functions/privacy/drivers/job-ca.ts';
import { gateAttesters } from '../functions/privacy/drivers/attesters.ts';
import type { AttestationPolicy } from '../functions/privacy/attesters/verify.ts';
import type { LocalPlugin } from './plugin-types.ts';

export const LOCAL_KMS_KEY = 'alias/vracu-local-jobs';

export function privacyPlugin(): LocalPlugin {
  return async (ctx) => {
    const jobs = ctx.provided.jobs;
    if (!jobs) throw new Error('the privacy plugin needs the jobs context: start the jobs plugin before it');
    const env = { ...ctx.env };
    let loopback: LoopbackKms | undefined;
    if (env.VRACU_KEY_BROKER === 'aws_kms' && !env.VRACU_KMS_ENDPOINT) {
      loopback = await startLoopbackKms();
      env.VRACU_KMS_ENDPOINT = loopback.url;
      env.VRACU_KEY_BROKER_KMS_KEY_ID ??= LOCAL_KMS_KEY;
      ctx.log(`privacy: loopback KMS at ${loopback.url} (development keys, in memory)`);
    }
    let shares: ShareService | undefined;
    if (env.VRACU_KEY_BROKER === 'split_key' && !env.VRACU_SHARE_SERVICE_URL) {
      const credential = randomBytes(32).toString('base64url');
      shares = await startShareService({ key: randomBytes(32), credential });
      env.VRACU_SHARE_SERVICE_URL = shares.url;
      env.VRACU_SHARE_SERVICE_CREDENTIAL = credential;
      ctx.log(`privacy: share service at ${shares.url} (its own key, in memory)`);
    }
    if (!env.VRACU_JOB_CA_CERT && !env.VRACU_JOB_CA_KEY && !env.VRACU_JOB_CA_KMS_KEY_ID) {
      const ca = await localJobCa(ctx.dataDir, ctx.runtime.clock.nowMs());
      env.VRACU_JOB_CA_CERT = ca.certificatePem;
      env.VRACU_JOB_CA_KEY = ca.keyPem;
    }
    const config = loadPrivacyConfig(env, ctx.runtime.config.VRACU_STAGE);
    const kms = config.kms
      ? () =>
          new KMSClient({
            region: ctx.runtime.config.AWS_REGION,
            endpoint: config.kms!.endpoint,
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          })
      : undefined;
    const artifacts = ctx.provided.artifacts;
    const attesters = gateAttesters(config.attestationPolicy as AttestationPolicy, ctx.runtime.clock);
    const privacy = composePrivacy({ rt: ctx.runtime, config, jobs, attesters, ...(kms ? { kms } : {}), ...(artifacts ? { artifacts } : {}) });
    return {
      provides: { privacy },
      stop: async () => {
        await loopback?.close();
        await shares?.close();
      },
    };
  };
}

/** The stack's job CA: read from the data dir, or made there once (in memory without one). */
async function localJobCa(dataDir: string | null, nowMs: number): Promise<{ keyPem: string; certificatePem: string }> {
  const keyFile = dataDir ? join(dataDir, 'job-ca.key') : null;
  const certFile = dataDir ? join(dataDir, 'job-ca.pem') : null;
  if (keyFile && certFile && existsSync(keyFile) && existsSync(certFile))
    return { keyPem: readFileSync(keyFile, 'utf8'), certificatePem: readFileSync(certFile, 'utf8') };
  const ca = await newLocalCa('VR-ACU job CA (local stack)', nowMs);
  if (keyFile && certFile) {
    writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    writeFileSync(certFile, ca.certificatePem);
  }
  return ca;
}
