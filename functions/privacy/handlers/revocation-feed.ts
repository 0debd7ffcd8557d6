/** The revocationFeed schedule: pull the signed revocation feed and apply what is new. */
import { scheduled } from '../../platform/scheduled.ts';
import { privacyContext } from '../deps.ts';
import { pollFeed } from '../usecases/feed.ts';

export const handler = scheduled(
  privacyContext,
  'revocation feed',
  (d) => pollFeed(d),
  (r) => r.applied || r.reason !== 'no_feed',
);
