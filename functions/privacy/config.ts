/**
 * The privacy context's settings: the environment contract's PrivacyEnv, parsed once at start.
 * It fails fast: an unknown broker, the static broker or development evidence on a prod stage,
 * a KMS broker without its key, a split-key broker without its share service or primary, a
 * Vault broker without its address, token or key.
 */
import { EnvironmentError, parseEnv, PrivacyEnv, type STAGES } from '../definitions/environment.ts';
import type { BrokerName } from './domain/broker.ts';

export interface PrivacyConfig {
  stage: (typeof STAGES)[number];
  broker: BrokerName;
  staticBroker?: { seed: Buffer; salt: Buffer };
  kms?: { keyId: string; endpoint?: string | undefined };
  /** `split_key`: the primary share's broker (its own settings above) and the share service. */
  split?: { primary: 'static' | 'aws_kms'; shareService: { url: string; credential: string } };
  vault?: { addr: string; token: string; mount: string; key: string };
  /** Only where a development attester may stand in for hardware: never prod. */
  developmentEvidence: boolean;
  nonceTtlMs: number;
  rotation: { intervalMs: number; graceMs: number; retryDelayMs: number };
  attestationPolicy: Record<string, unknown>;
  /** The signed revocation feed, when one is configured. */
  feed?: { url: string; publicKeyPem: string };
  /** The platform CA issuing job certificates at the handshake; without it the handshake issues none. */
  jobCa?: { certificatePem: string; signer: { kind: 'local'; keyPem: string } | { kind: 'kms'; keyId: string } };
}

/** Published, not secret: the local stack's and tests' static seed (anything derived from it is development data). */
export const DEVELOPMENT_SEED_HEX = '7672616375206c6f63616c20646576656c6f706d656e742073656564202d206e6f742061207365637265742121';

export function loadPrivacyConfig(env: Readonly<Record<string, string | undefined>>, stage: (typeof STAGES)[number]): PrivacyConfig {
  const e = parseEnv(PrivacyEnv, env, 'privacy configuration');
  const prod = stage === 'prod';
  const base = {
    stage,
    broker: e.VRACU_KEY_BROKER,
    developmentEvidence: !prod,
    nonceTtlMs: e.VRACU_PRIVACY_NONCE_TTL_MS,
    rotation: { intervalMs: e.VRACU_PRIVACY_ROTATION_MS, graceMs: e.VRACU_PRIVACY_ROTATION_GRACE_MS, retryDelayMs: e.VRACU_PRIVACY_ROTATION_RETRY_MS },
    attestationPolicy: e.VRACU_ATTESTATION_POLICY,
    ...(e.VRACU_REVOCATION_FEED_URL ? { feed: { url: e.VRACU_REVOCATION_FEED_URL, publicKeyPem: feedKey(e.VRACU_REVOCATION_FEED_PUBLIC_KEY) } } : {}),
    ...jobCaSettings(e, prod),
  };
  switch (e.VRACU_KEY_BROKER) {
    case 'static':
      return { ...base, staticBroker: staticSettings(e, stage) };
    case 'aws_kms':
      return { ...base, kms: kmsSettings(e, 'aws_kms') };
    case 'split_key': {
      if (!e.VRACU_SHARE_SERVICE_URL || !e.VRACU_SHARE_SERVICE_CREDENTIAL)
        throw new EnvironmentError(
          'invalid privacy configuration:\n  VRACU_SHARE_SERVICE_URL, VRACU_SHARE_SERVICE_CREDENTIAL: both required for the split_key broker',
        );
      if (prod && e.VRACU_SHARE_SERVICE_URL.startsWith('http:'))
        throw new EnvironmentError('invalid privacy configuration:\n  VRACU_SHARE_SERVICE_URL: must be https:// on a prod stage');
      const primary = e.VRACU_KEY_BROKER_SPLIT_PRIMARY ?? (prod ? 'aws_kms' : 'static');
      return {
        ...base,
        split: { primary, shareService: { url: e.VRACU_SHARE_SERVICE_URL, credential: e.VRACU_SHARE_SERVICE_CREDENTIAL } },
        ...(primary === 'static' ? { staticBroker: staticSettings(e, stage, 'split_key') } : { kms: kmsSettings(e, 'split_key') }),
      };
    }
    case 'vault_transit': {
      const missing = (['VRACU_VAULT_ADDR', 'VRACU_VAULT_TOKEN', 'VRACU_VAULT_TRANSIT_KEY'] as const).filter((k) => !e[k]);
      if (missing.length) throw new EnvironmentError(`invalid privacy configuration:\n  ${missing.join(', ')}: required for the vault_transit broker`);
      return {
        ...base,
        vault: { addr: e.VRACU_VAULT_ADDR!, token: e.VRACU_VAULT_TOKEN!, mount: e.VRACU_VAULT_TRANSIT_MOUNT, key: e.VRACU_VAULT_TRANSIT_KEY! },
      };
    }
  }
}

function staticSettings(e: PrivacyEnv, stage: (typeof STAGES)[number], as = 'static'): { seed: Buffer; salt: Buffer } {
  if (stage === 'prod')
    throw new EnvironmentError(
      `invalid privacy configuration:\n  VRACU_KEY_BROKER: ${as === 'static' ? 'static' : `${as} with a static primary`} derives keys from a configured seed: development only, refused on a prod stage (use aws_kms)`,
    );
  const local = stage === 'local' || stage === 'test';
  if (!e.VRACU_KEY_BROKER_STATIC_SEED && !local) {
    throw new EnvironmentError(
      `invalid privacy configuration:\n  VRACU_KEY_BROKER_STATIC_SEED: required for the ${as} broker's static keys outside the local stack`,
    );
  }
  return { seed: Buffer.from(e.VRACU_KEY_BROKER_STATIC_SEED ?? DEVELOPMENT_SEED_HEX, 'hex'), salt: Buffer.from(e.VRACU_KEY_BROKER_STATIC_SALT, 'utf8') };
}

function kmsSettings(e: PrivacyEnv, as: string): { keyId: string; endpoint?: string | undefined } {
  if (!e.VRACU_KEY_BROKER_KMS_KEY_ID)
    throw new EnvironmentError(`invalid privacy configuration:\n  VRACU_KEY_BROKER_KMS_KEY_ID: required for the ${as} broker`);
  return { keyId: e.VRACU_KEY_BROKER_KMS_KEY_ID, endpoint: e.VRACU_KMS_ENDPOINT };
}

function feedKey(pem: string | undefined): string {
  if (!pem) throw new EnvironmentError('invalid privacy configuration:\n  VRACU_REVOCATION_FEED_PUBLIC_KEY: required with VRACU_REVOCATION_FEED_URL');
  return pem;
}

/** The job CA: a certificate and exactly one signer, or none of the three; a key file never on a prod stage. */
function jobCaSettings(e: PrivacyEnv, prod: boolean): Pick<PrivacyConfig, 'jobCa'> {
  const { VRACU_JOB_CA_CERT: cert, VRACU_JOB_CA_KEY: key, VRACU_JOB_CA_KMS_KEY_ID: kmsKeyId } = e;
  if (!cert && !key && !kmsKeyId) return {};
  const fail = (why: string) => new EnvironmentError(`invalid privacy configuration:\n  ${why}`);
  if (!cert) throw fail('VRACU_JOB_CA_CERT: required with VRACU_JOB_CA_KEY or VRACU_JOB_CA_KMS_KEY_ID');
  if (key && kmsKeyId) throw fail('VRACU_JOB_CA_KEY, VRACU_JOB_CA_KMS_KEY_ID: give one signer, not both');
  if (!key && !kmsKeyId) throw fail('VRACU_JOB_CA_KEY or VRACU_JOB_CA_KMS_KEY_ID: the CA certificate needs its signer');
  if (key && prod) throw fail('VRACU_JOB_CA_KEY: a CA key in the environment is development only, refused on a prod stage (use VRACU_JOB_CA_KMS_KEY_ID)');
  return { jobCa: { certificatePem: cert, signer: key ? { kind: 'local', keyPem: key } : { kind: 'kms', keyId: kmsKeyId! } } };
}
