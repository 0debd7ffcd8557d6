import { controlPlaneContext } from '../deps.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { unitsRegisterRoute } from '../api.ts';
import { registerUnits } from '../usecases/reserve.ts';

export const handler = httpHandler(unitsRegisterRoute, controlPlaneContext, async (req, d) =>
  registerUnits(
    d,
    req.body.units.map((u) => ({
      unitId: u.unitId,
      providerId: u.providerId,
      gpuProfile: u.gpuProfile,
      region: u.region,
      kind: u.kind,
      gpuId: u.gpuId,
      ...(u.migProfile ? { migProfile: u.migProfile } : {}),
      capacity: { memoryMb: BigInt(u.memoryMb), sms: BigInt(u.sms) },
      attainedScm: 0n,
      allocations: [],
    })),
  ),
);
