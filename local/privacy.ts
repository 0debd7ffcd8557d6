/**
 * The privacy context on the local stack, as a plugin: composed on the jobs context the jobs
 * plugin provided, with the broker the stack's environment names (the static broker on the
 * development seed by default; `aws_kms` with VRACU_KMS_ENDPOINT for a KMS-compatible service).
 */
import { composePrivacy, loadPrivacyConfig } from '../functions/privacy/index.ts';
import type { LocalPlugin } from './plugin-types.ts';

export function privacyPlugin(): LocalPlugin {
  return async (ctx) => {
    const jobs = ctx.provided.jobs;
    if (!jobs) throw new Error('the privacy plugin needs the jobs context: start the jobs plugin before it');
    const privacy = composePrivacy({ rt: ctx.runtime, config: loadPrivacyConfig(ctx.env, ctx.runtime.config.VRACU_STAGE), jobs });
    return { provides: { privacy }, stop: async () => undefined };
  };
}
