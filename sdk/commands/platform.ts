/** `vracu health`, `vracu whoami`, `vracu keys create`. */
import type { Command } from 'commander';
import { health, whoami, createKeyRoute } from '../../functions/platform/api.ts';
import { ROLES } from '../../functions/platform/auth/principal.ts';
import type { CliContext } from '../cli/context.ts';

export function registerPlatform(program: Command, ctx: CliContext): void {
  program
    .command('health')
    .description('check that the exchange answers')
    .action(async () => {
      const h = await ctx.client().call(health);
      ctx.print(h, (d: typeof h) => `${d.status} (stage ${d.stage}, ${d.time})`);
    });

  program
    .command('whoami')
    .description('show the principal behind the API key')
    .action(async () => {
      const w = await ctx.client().call(whoami);
      ctx.print(w, (d: typeof w) => `principal ${d.principalId}\ntenant    ${d.tenant}\nroles     ${d.roles.join(', ')}\nkey       ${d.keyId}`);
    });

  const keys = program.command('keys').description('manage API keys (admin)');
  keys
    .command('create')
    .description('create an API key; the secret is printed once and never stored')
    .requiredOption('--role <role...>', `one or more of: ${ROLES.join(', ')}`)
    .option('--tenant <tenant>', 'tenant id (default: the new principal id)')
    .option('--principal <id>', 'reuse an existing principal id')
    .option('--label <text>', 'a note to recognise the key by')
    .action(async (o: { role: string[]; tenant?: string; principal?: string; label?: string }) => {
      const k = await ctx.client().call(createKeyRoute, {
        body: {
          roles: o.role as (typeof ROLES)[number][],
          ...(o.tenant ? { tenant: o.tenant } : {}),
          ...(o.principal ? { principalId: o.principal } : {}),
          ...(o.label ? { label: o.label } : {}),
        },
      });
      ctx.print(
        k,
        (d: typeof k) =>
          `created key ${d.keyId} for principal ${d.principalId} (roles: ${d.roles.join(', ')})\n\n  ${d.secret}\n\nThis secret is shown once. Use it as VRACU_API_KEY or the X-API-Key header.`,
      );
    });
}
