import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { reservationRoute } from '../api.ts';
import { reserveCapacity } from '../usecases/reserve.ts';
import { reservedOut } from '../views.ts';

export const handler = httpHandler(reservationRoute, controlPlaneContext, async (req, d) => {
  const b = req.body;
  const r = await reserveCapacity(
    d,
    {
      jobId: b.jobId,
      tenantId: b.tenantId,
      need: { memoryMb: BigInt(b.memoryMb), sms: BigInt(b.sms) },
      scm: BigInt(b.scm),
      priceMicro: b.price,
      ...(b.gpuProfile ? { gpuProfile: b.gpuProfile } : {}),
      ...(b.region ? { region: b.region } : {}),
      ...(b.migProfile ? { migProfile: b.migProfile } : {}),
    },
    { outstandingExposureMicro: b.outstandingExposure, creditUsedMicro: b.creditUsed, creditLimitMicro: b.creditLimit },
  );
  return reservedOut(r);
});
