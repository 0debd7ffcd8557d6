/**
 * cdk-nag 3.x: the AWS Solutions and Serverless packs run as CDK validation plugins at
 * synth; any unacknowledged finding fails `cdk synth` and makes `app.synth()` throw.
 *
 * Acknowledgements go through `acknowledge()` below, on the narrowest construct that
 * carries the finding, each with a reason. IAM5 findings are acknowledged one by one
 * (`AwsSolutions-IAM5[Resource::...]`), never by rule.
 */
import { Validations, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/** Registers both rule packs on the app (every stage below it is checked). */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** Acknowledges one cdk-nag rule (or one finding of it) on `scope` and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledgement of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** Acknowledges several rules on one scope with the same reason. */
export function acknowledgeAll(scope: IConstruct, ids: string[], reason: string): void {
  for (const id of ids) acknowledge(scope, id, reason);
}
