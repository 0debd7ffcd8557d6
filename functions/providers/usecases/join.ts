/**
 * POST /v1/join: a node redeems its join token, once. One DynamoDB transaction creates the
 * provider whole — the token marked redeemed (guarded: still ISSUED and unexpired), the
 * principal with the provider role and its API key, the directory entry, the `provider:<id>`
 * ledger account and the market catalog entry (not quotable until verified and online) — or
 * nothing at all. The answer carries the API key's secret, once, and the challenge the node
 * signs to verify.
 */
import { randomBytes } from 'node:crypto';
import { isoAt } from '../../platform/clock.ts';
import { hashKey, newKeyItem } from '../../platform/auth/keys.ts';
import { transactWrite, TransactionCancelledError } from '../../platform/dynamo/transact.ts';
import { account } from '../../ledger/index.ts';
import { catalogEntryItems } from '../../market/index.ts';
import { providersError } from '../errors.ts';
import type { ProvidersDeps } from '../deps.ts';
import { checkScope, redeemable, type JoinClaim } from '../domain/join-token.ts';
import { DEFAULT_RELIABILITY_FLOOR_PPM, DEFAULT_RESERVED_FRACTION_PPM, nominalScmMilli, type DirectoryProvider } from '../domain/provider.ts';
import { getToken } from '../store/reads.ts';
import { providerCreate, tokenRedeemed } from '../store/writes.ts';
import { catalogProviderOf } from './catalog.ts';
import { ecsAgentAttributes } from '../../definitions/external-instances.ts';

/** How long the node has to sign its challenge. */
export const CHALLENGE_TTL_MS = 10 * 60_000;

export interface JoinRequest extends JoinClaim {
  token: string;
  name: string;
  spotPriceMicro: bigint;
  contact?: string | undefined;
}

export async function join(d: ProvidersDeps, req: JoinRequest) {
  const { rt } = d;
  const now = rt.clock.nowMs();
  const hash = hashKey(req.token);
  const token = await getToken(d.store, hash);
  if (!token) throw providersError('join_token_invalid', 'no such join token');
  const fact = redeemable(token, now);
  if (!fact.ok) throw refusal(fact.why);
  const scope = checkScope(token.policy, req);
  if (!scope.ok) throw providersError('join_out_of_scope', scope.reason, { issues: [{ path: `body.${scope.field}`, message: scope.reason }] });

  const providerId = rt.ids.next('prv');
  const at = isoAt(now);
  // Before the transaction: an SSM outage refuses the join with nothing written (an unused
  // activation expires by itself and registers nothing without its code).
  const activation = d.activations ? await d.activations.create(providerId, now) : undefined;
  const challenge = randomBytes(32).toString('base64url');
  const provider: DirectoryProvider = {
    providerId,
    name: req.name,
    gpuModel: req.gpuModel,
    region: req.region,
    units: req.units,
    scope: token.scope,
    treasuryAccount: token.treasuryAccount,
    tokenId: token.tokenId,
    status: 'JOINED',
    online: false,
    spotPriceMicro: req.spotPriceMicro,
    reservedFractionPpm: DEFAULT_RESERVED_FRACTION_PPM,
    reliabilityFloorPpm: DEFAULT_RELIABILITY_FLOOR_PPM,
    scmPerMinMilli: nominalScmMilli(req.gpuModel),
    freeUnits: 0,
    heldUnits: 0,
    publicKey: null,
    keyAlgorithm: null,
    challenge,
    challengeExpiresAtMs: now + CHALLENGE_TTL_MS,
    lastHeartbeatMs: null,
    inventory: null,
    telemetry: null,
    calibration: null,
    proven: null,
    evidenceNonce: null,
    evidenceNonceExpiresAtMs: null,
    contact: req.contact ?? null,
    createdAt: at,
  };
  // The principal's id is the provider's id: one provider, one id (catalog, principal, ledger account).
  const key = newKeyItem({ table: d.authTable, clock: rt.clock, ids: rt.ids }, { roles: ['provider'], principalId: providerId, label: `provider ${req.name}` });
  try {
    await transactWrite(rt.doc, [
      tokenRedeemed(d.store, hash, { providerId, nowMs: now, at }),
      key.item,
      providerCreate(d.store, provider),
      d.market.ledger.openAccountItem(account.provider(providerId)),
      ...catalogEntryItems(d.market, catalogProviderOf(provider, 0), { quotable: false, create: true }),
    ]);
  } catch (err) {
    // Another redemption won the race (or the token expired meanwhile): re-read to say which.
    if (err instanceof TransactionCancelledError && err.failed('token')) {
      const again = await getToken(d.store, hash);
      throw refusal(again && again.status === 'ISSUED' ? 'expired' : 'redeemed');
    }
    throw err;
  }
  return {
    providerId,
    apiKey: key.created.secret,
    keyId: key.created.principal.keyId,
    challenge,
    challengeExpiresAt: isoAt(provider.challengeExpiresAtMs!),
    status: provider.status,
    // ECS Anywhere: how the machine registers with the job cluster (docs/providers.md).
    ...(activation ? { ecsAnywhere: { ...activation, attributes: ecsAgentAttributes(providerId) } } : {}),
  };
}

const refusal = (why: 'redeemed' | 'expired') =>
  why === 'redeemed'
    ? providersError('join_token_redeemed', 'this join token was already redeemed')
    : providersError('join_token_expired', 'this join token has expired');
