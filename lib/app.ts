/**
 * Builds the CDK app: one ExchangeStage per selected environment of cdk.json, checked by
 * cdk-nag (AWS Solutions and Serverless packs) at synth.
 */
import type { App } from 'aws-cdk-lib';
import { parseEnvironments, selectEnvironments } from './config.ts';
import { addNagChecks } from './nag.ts';
import { ExchangeStage } from './stage.ts';

/** Context key of the environment selector: `cdk synth -c env=dev`. */
export const ENV_CONTEXT_KEY = 'env';
/** Context key of the per-environment settings in cdk.json. */
export const ENVIRONMENTS_CONTEXT_KEY = 'environments';

export function buildApp(app: App): ExchangeStage[] {
  const all = parseEnvironments(app.node.tryGetContext(ENVIRONMENTS_CONTEXT_KEY));
  const selected = selectEnvironments(all, app.node.tryGetContext(ENV_CONTEXT_KEY));
  const stages = selected.map((environment) => new ExchangeStage(app, environment.name, { environment }));
  addNagChecks(app);
  return stages;
}
