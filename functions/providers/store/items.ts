/** Directory items ↔ domain values. Reports (inventory, telemetry, calibration) are kept as JSON text, as the node sent them. */
import { big } from '../../platform/dynamo/client.ts';
import type { DirectoryProvider } from '../domain/provider.ts';
import type { JoinToken } from '../domain/join-token.ts';
import { ONLINE_GSI, onlineSk, PROVIDERS_GSI, providerKey } from './keys.ts';

type Item = Record<string, unknown>;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parsed = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Absent facts are left out, not stored as NULL: guards test them with attribute_not_exists. */
export function providerItem(p: DirectoryProvider): Item {
  const present = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null));
  return {
    ...providerKey(p.providerId),
    kind: 'provider',
    ...present,
    ...(p.inventory ? { inventory: json(p.inventory) } : {}),
    ...(p.telemetry ? { telemetry: json(p.telemetry) } : {}),
    ...(p.calibration ? { calibration: json(p.calibration) } : {}),
    ...(p.proven ? { proven: json(p.proven) } : {}),
    gsi1pk: PROVIDERS_GSI,
    gsi1sk: p.providerId,
    ...(p.online && p.lastHeartbeatMs !== null ? { gsi2pk: ONLINE_GSI, gsi2sk: onlineSk(p.lastHeartbeatMs, p.providerId) } : {}),
  };
}

export function toProvider(it: Item): DirectoryProvider {
  return {
    providerId: String(it.providerId),
    name: String(it.name),
    gpuModel: String(it.gpuModel),
    region: String(it.region),
    units: Number(it.units),
    scope: String(it.scope),
    treasuryAccount: str(it.treasuryAccount),
    tokenId: String(it.tokenId),
    status: String(it.status) as DirectoryProvider['status'],
    online: it.online === true,
    spotPriceMicro: big(it.spotPriceMicro),
    reservedFractionPpm: big(it.reservedFractionPpm),
    reliabilityFloorPpm: big(it.reliabilityFloorPpm),
    scmPerMinMilli: big(it.scmPerMinMilli),
    freeUnits: Number(it.freeUnits ?? 0),
    heldUnits: Number(it.heldUnits ?? 0),
    publicKey: str(it.publicKey),
    keyAlgorithm: str(it.keyAlgorithm) as DirectoryProvider['keyAlgorithm'],
    challenge: str(it.challenge),
    challengeExpiresAtMs: num(it.challengeExpiresAtMs),
    lastHeartbeatMs: num(it.lastHeartbeatMs),
    inventory: parsed(it.inventory),
    telemetry: parsed(it.telemetry),
    calibration: parsed(it.calibration),
    proven: parsed(it.proven),
    evidenceNonce: str(it.evidenceNonce),
    evidenceNonceExpiresAtMs: num(it.evidenceNonceExpiresAtMs),
    contact: str(it.contact),
    lastOfferDigest: str(it.lastOfferDigest),
    lastOfferAtMs: num(it.lastOfferAtMs),
    createdAt: String(it.createdAt),
  };
}

export function tokenItem(hash: string, t: JoinToken): Item {
  return {
    pk: `JTOKEN#${hash}`,
    sk: 'TOKEN',
    kind: 'joinToken',
    ...t,
    policy: JSON.stringify(t.policy),
    // Kept a day past its expiry so a late redemption reads "expired", not "invalid".
    ttl: Math.floor(t.expiresAtMs / 1000) + 86_400,
  };
}

export function toToken(it: Item): JoinToken {
  return {
    tokenId: String(it.tokenId),
    policy: JSON.parse(String(it.policy)) as JoinToken['policy'],
    scope: String(it.scope),
    treasuryAccount: str(it.treasuryAccount),
    status: String(it.status) as JoinToken['status'],
    createdAt: String(it.createdAt),
    expiresAtMs: Number(it.expiresAtMs),
    issuedBy: String(it.issuedBy),
  };
}
