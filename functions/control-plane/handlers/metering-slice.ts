import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sliceRoute } from '../api.ts';
import { recordSlice } from '../usecases/receipts.ts';

export const handler = httpHandler(sliceRoute, controlPlaneContext, async (req, d) => {
  const b = req.body;
  return recordSlice(d, { jobId: b.jobId, bucketId: b.bucketId, seq: b.seq, scmDeltaMilli: BigInt(b.scmDeltaMilli), priceIndexMicro: b.priceIndex });
});
