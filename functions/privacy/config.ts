/**
 * The privacy context's settings: the environment contract's PrivacyEnv, parsed once at start.
 * It fails fast: an unknown broker, the static broker or development evidence on a prod stage,
 * a KMS broker without its key.
 */
import { EnvironmentError, parseEnv, PrivacyEnv, type STAGES } from '../definitions/environment.ts';
import type { BrokerName } from './domain/broker.ts';

export interface PrivacyConfig {
  stage: (typeof STAGES)[number];
  broker: BrokerName;
  staticBroker?: { seed: Buffer; salt: Buffer };
  kms?: { keyId: string; endpoint?: string | undefined };
  /** Only where a development attester may stand in for hardware: never prod. */
  developmentEvidence: boolean;
  nonceTtlMs: number;
  rotation: { intervalMs: number; graceMs: number; retryDelayMs: number };
  attestationPolicy: Record<string, unknown>;
  /** The signed revocation feed, when one is configured. */
  feed?: { url: string; publicKeyPem: string };
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
  };
  if (e.VRACU_KEY_BROKER === 'static') {
    if (prod)
      throw new EnvironmentError(
        'invalid privacy configuration:\n  VRACU_KEY_BROKER: static derives keys from a configured seed: development only, refused on a prod stage (use aws_kms)',
      );
    const local = stage === 'local' || stage === 'test';
    if (!e.VRACU_KEY_BROKER_STATIC_SEED && !local) {
      throw new EnvironmentError('invalid privacy configuration:\n  VRACU_KEY_BROKER_STATIC_SEED: required for the static broker outside the local stack');
    }
    return {
      ...base,
      staticBroker: {
        seed: Buffer.from(e.VRACU_KEY_BROKER_STATIC_SEED ?? DEVELOPMENT_SEED_HEX, 'hex'),
        salt: Buffer.from(e.VRACU_KEY_BROKER_STATIC_SALT, 'utf8'),
      },
    };
  }
  if (!e.VRACU_KEY_BROKER_KMS_KEY_ID)
    throw new EnvironmentError('invalid privacy configuration:\n  VRACU_KEY_BROKER_KMS_KEY_ID: required for the aws_kms broker');
  return { ...base, kms: { keyId: e.VRACU_KEY_BROKER_KMS_KEY_ID, endpoint: e.VRACU_KMS_ENDPOINT } };
}

function feedKey(pem: string | undefined): string {
  if (!pem) throw new EnvironmentError('invalid privacy configuration:\n  VRACU_REVOCATION_FEED_PUBLIC_KEY: required with VRACU_REVOCATION_FEED_URL');
  return pem;
}
