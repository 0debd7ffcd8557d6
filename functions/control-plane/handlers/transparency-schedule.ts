/** The transparency-sth schedule: log the receipt signer's keys (once), then sign a head for the log's current size. */
import { scheduled } from '../../platform/scheduled.ts';
import { controlPlaneContext } from '../deps.ts';
import { publishSigningKeys, signCurrentHead } from '../usecases/transparency.ts';

export const handler = scheduled(controlPlaneContext, 'transparency tree head', async (d) => {
  const appended = await publishSigningKeys(d);
  const sth = await signCurrentHead(d);
  return { appended, treeSize: sth.head.treeSize };
});
