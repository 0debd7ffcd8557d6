/** An operator issues a join token: the secret once in the answer, only its hash kept. */
import { randomBytes } from 'node:crypto';
import { isoAt } from '../../platform/clock.ts';
import { hashKey } from '../../platform/auth/keys.ts';
import type { ProvidersDeps } from '../deps.ts';
import type { JoinPolicy, JoinToken } from '../domain/join-token.ts';
import { putJoinToken } from '../store/writes.ts';

export interface IssueRequest {
  policy: JoinPolicy;
  ttlSec: number;
  scope: string;
  treasuryAccount?: string | undefined;
}

export const newJoinSecret = (): string => `vjt_${randomBytes(32).toString('base64url')}`;

export async function issueJoinToken(d: ProvidersDeps, operatorId: string, req: IssueRequest) {
  const now = d.rt.clock.nowMs();
  const secret = newJoinSecret();
  const token: JoinToken = {
    tokenId: d.rt.ids.next('jtk'),
    policy: req.policy,
    scope: req.scope,
    treasuryAccount: req.treasuryAccount ?? null,
    status: 'ISSUED',
    createdAt: isoAt(now),
    expiresAtMs: now + req.ttlSec * 1000,
    issuedBy: operatorId,
  };
  await putJoinToken(d.store, hashKey(secret), token);
  return {
    tokenId: token.tokenId,
    token: secret,
    policy: token.policy,
    scope: token.scope,
    treasuryAccount: token.treasuryAccount,
    expiresAt: isoAt(token.expiresAtMs),
  };
}
