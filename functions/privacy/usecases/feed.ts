/**
 * The revocationFeed schedule: read the feed, check its Ed25519 signature against the
 * configured key and that its version is newer than the last applied, then revoke each entry
 * as POST /v1/revocations does (by `feed`). Nothing is applied from a feed that fails a check.
 */
import { createPublicKey, verify } from 'node:crypto';
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { FeedDocument, signedPart, type FeedOutcome } from '../domain/feed.ts';
import { advanceFeedVersion } from '../store/revocations.ts';
import type { PrivacyDeps } from '../deps.ts';
import { revoke } from './revoke.ts';

export async function pollFeed(d: PrivacyDeps): Promise<FeedOutcome> {
  const feed = d.cfg.feed;
  if (!feed) return { applied: false, reason: 'no_feed' };
  let doc: FeedDocument;
  try {
    doc = FeedDocument.parse(JSON.parse(await d.readFeed(feed.url)));
  } catch {
    return { applied: false, reason: 'malformed' };
  }
  const key = createPublicKey(feed.publicKeyPem);
  if (!verify(null, canonicalBytes(signedPart(doc)), key, Buffer.from(doc.signature, 'base64')))
    return { applied: false, reason: 'bad_signature', version: doc.version };
  if (!(await advanceFeedVersion(d.revocations, doc.version, d.rt.clock.nowMs()))) return { applied: false, reason: 'not_newer', version: doc.version };
  let cancelled = 0;
  for (const r of doc.revocations) cancelled += (await revoke(d, 'feed', r)).cancelledSessions.length;
  return { applied: true, version: doc.version, revoked: doc.revocations.length, cancelledSessions: cancelled };
}
