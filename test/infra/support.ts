/**
 * Synthesizes one environment of the real CDK app (context from cdk.json), with bundling
 * skipped so the tests are fast and do not depend on every function entry existing.
 * cdk-nag runs: `synthError` holds what `app.synth()` threw, if anything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app.ts';
import { REPO_ROOT } from '../../lib/bundling.ts';
import type { ExchangeStage } from '../../lib/stage.ts';

export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

/** Skip bundling for every stack (the CDK's own switch for unit tests). */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface Synthesized {
  app: App;
  stage: ExchangeStage;
  synthError: Error | undefined;
  t: {
    data: Template;
    compute: Template;
    async: Template;
    api: Template;
    apiRoutes: Template;
    observability: Template;
  };
  /** All six templates, for checks that hold everywhere. */
  all: Template[];
}

export function synthEnvironment(env: string, extraContext: Record<string, unknown> = {}): Synthesized {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING, env, ...extraContext } });
  const [stage] = buildApp(app);
  if (!stage) throw new Error(`no stage for ${env}`);
  let synthError: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    synthError = e as Error;
  }
  const t = {
    data: Template.fromStack(stage.data),
    compute: Template.fromStack(stage.compute),
    async: Template.fromStack(stage.async),
    api: Template.fromStack(stage.api),
    apiRoutes: Template.fromStack(stage.apiRoutes),
    observability: Template.fromStack(stage.observability),
  };
  return { app, stage, synthError, t, all: Object.values(t) };
}

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Resources of one type in a template, by logical id. */
export function resources(t: Template, type: string): Record<string, Resource> {
  return t.findResources(type) as Record<string, Resource>;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` points at. */
export function refId(v: unknown): string | undefined {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return o.Ref;
    const ga = o['Fn::GetAtt'];
    if (Array.isArray(ga) && typeof ga[0] === 'string') return ga[0];
  }
  return undefined;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
