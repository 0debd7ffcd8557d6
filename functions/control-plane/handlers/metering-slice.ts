/** POST /v1/metering/slices: a slice signed by its provider's verified node key, recorded once (content-idempotent). */
import { controlPlaneContext } from '../deps.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { sliceRoute } from '../api.ts';
import { recordSlice } from '../usecases/receipts.ts';
import { sliceMessage, type Slice } from '../domain/metering.ts';
import { controlPlaneError } from '../errors.ts';
import { signedByNode } from '../../providers/index.ts';

export const handler = httpHandler(sliceRoute, controlPlaneContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  const b = req.body;
  const slice: Slice = { jobId: b.jobId, bucketId: b.bucketId, seq: b.seq, scmDeltaMilli: BigInt(b.scmDeltaMilli), priceIndexMicro: b.priceIndex };
  // A joined provider's principal id is its provider id; its node key signs what it meters.
  if (!(await signedByNode({ doc: d.rt.doc, table: d.rt.table('providers') }, p.id, sliceMessage(p.id, slice), b.signature)))
    throw controlPlaneError('slice_signature_invalid', "the slice is not signed by this provider's verified node key", {
      issues: [{ path: 'body.signature', message: 'does not verify' }],
    });
  return recordSlice(d, slice);
});
