/** `vracu scheduler units|register|reserve` (operator): scheduling units and DRF reservations (seed §8.2). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { table, wholeOrText, type CliContext } from '../cli/context.ts';
import { reservationRoute, unitsListRoute, unitsRegisterRoute } from '../../functions/control-plane/api.ts';

const int = wholeOrText;

export function registerScheduler(program: Command, ctx: CliContext): void {
  const g = program.command('scheduler').description('the fair scheduler: units (whole GPUs and MIG instances) and reservations (operator)');
  g.command('units')
    .description('every unit with its capacity, attained service and allocations')
    .action(async () => {
      const r = await ctx.client().call(unitsListRoute);
      ctx.print(r, (d: typeof r) =>
        table(
          d.units.map((u) => ({ ...u, migProfile: u.migProfile ?? '', allocations: u.allocations.length })),
          ['unitId', 'providerId', 'gpuProfile', 'region', 'kind', 'migProfile', 'memoryMb', 'sms', 'attainedScm', 'allocations'],
        ),
      );
    });
  g.command('register <file>')
    .description('register the units in a JSON file ({"units": [...]} or a list; see docs/control-plane.md); known ids are left as they are')
    .action(async (file: string) => {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      const units = Array.isArray(parsed) ? parsed : (parsed as { units?: unknown }).units;
      const r = await ctx.client().call(unitsRegisterRoute, { body: { units: units as never } });
      ctx.print(r, (d: typeof r) => `${d.registered} registered, ${d.existing} already known`);
    });
  g.command('reserve')
    .description('reserve a unit for a job: resilience guards, then DRF placement; prints accepted or the reason it was declined')
    .requiredOption('--job <id>', 'the job')
    .requiredOption('--tenant <id>', 'the buyer (tenant) it runs for')
    .requiredOption('--memory-mb <n>', 'memory it needs')
    .requiredOption('--sms <n>', 'streaming multiprocessors it needs')
    .requiredOption('--scm <n>', 'SCM it will use')
    .requiredOption('--price <acu>', 'ACU per SCM it pays')
    .option('--gpu <profile>', 'only this GPU profile')
    .option('--region <region>', 'only this region')
    .option('--mig <profile>', 'only MIG instances of this profile, such as 1g.10gb')
    .option('--exposure <acu>', "the buyer's outstanding exposure", '0')
    .option('--credit-used <acu>', 'credit used', '0')
    .option('--credit-limit <acu>', 'credit limit', '0')
    .action(
      async (o: {
        job: string;
        tenant: string;
        memoryMb: string;
        sms: string;
        scm: string;
        price: string;
        gpu?: string;
        region?: string;
        mig?: string;
        exposure: string;
        creditUsed: string;
        creditLimit: string;
      }) => {
        const r = await ctx.client().call(reservationRoute, {
          body: {
            jobId: o.job,
            tenantId: o.tenant,
            memoryMb: int(o.memoryMb),
            sms: int(o.sms),
            scm: int(o.scm),
            price: o.price,
            ...(o.gpu ? { gpuProfile: o.gpu } : {}),
            ...(o.region ? { region: o.region } : {}),
            ...(o.mig ? { migProfile: o.mig } : {}),
            outstandingExposure: o.exposure,
            creditUsed: o.creditUsed,
            creditLimit: o.creditLimit,
          },
        });
        ctx.print(r, (d: typeof r) =>
          d.status === 'accepted'
            ? `accepted ${d.reservationId}: ${d.jobId} on ${d.providerId} unit ${d.unitId}, cost ${d.cost} ACU, expires ${d.expiresAt}`
            : `declined ${d.jobId}: ${d.reason} (${d.detail})`,
        );
      },
    );
}
