/** The environments in cdk.json and how one is selected. */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app.ts';
import { EnvironmentConfigError, parseEnvironments, selectEnvironments } from '../../lib/config.ts';
import { CDK_CONTEXT, SKIP_BUNDLING } from './support.ts';

const all = parseEnvironments(CDK_CONTEXT.environments);

describe('cdk.json environments', () => {
  it('defines dev, staging and prod', () => {
    expect(all.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
  });

  it('protects prod data and nothing forces it elsewhere', () => {
    const byName = Object.fromEntries(all.map((e) => [e.name, e.config]));
    expect(byName.prod!.deletionProtection).toBe(true);
    expect(byName.dev!.deletionProtection).toBe(false);
  });

  it('selects one environment by name, or all without a name', () => {
    expect(selectEnvironments(all, 'staging').map((e) => e.name)).toEqual(['staging']);
    expect(selectEnvironments(all, undefined)).toHaveLength(3);
  });

  it('rejects an unknown environment, listing the known ones', () => {
    expect(() => selectEnvironments(all, 'qa')).toThrow(EnvironmentConfigError);
    expect(() => selectEnvironments(all, 'qa')).toThrow('unknown environment "qa"; known environments: dev, staging, prod');
  });

  it('fails the app build on an unknown -c env, before building any stage', () => {
    const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING, env: 'qa' } });
    expect(() => buildApp(app)).toThrow(/known environments: dev, staging, prod/);
    expect(app.node.children).toHaveLength(0);
  });

  it.each([
    ['a short account id', { account: '123' }, /environments\.dev\.account: must be a 12-digit AWS account id/],
    ['a retention CloudWatch does not offer', { logRetentionDays: 10 }, /environments\.dev\.logRetentionDays: must be one of/],
    ['an unknown setting', { memory: 1 }, /environments\.dev/],
    [
      'a Fargate CPU size that does not exist',
      { jobs: { cpu: 1000, memoryMiB: 2048, sidecarImageTag: 'x', images: ['y'], agents: 1 } },
      /environments\.dev\.jobs\.cpu/,
    ],
    [
      'GPU capacity without NAT (awsvpc tasks on EC2 get no public IP)',
      {
        jobs: {
          cpu: 1024,
          memoryMiB: 2048,
          sidecarImageTag: 'x',
          images: ['y'],
          agents: 1,
          gpu: { instanceType: 'g5.xlarge', minInstances: 0, maxInstances: 1 },
        },
      },
      /environments\.dev\.jobs\.gpu: GPU capacity needs vpc\.natGateways > 0/,
    ],
    [
      'a GPU setting on a CPU instance type',
      {
        jobs: {
          cpu: 1024,
          memoryMiB: 2048,
          sidecarImageTag: 'x',
          images: ['y'],
          agents: 1,
          gpu: { instanceType: 'm5.large', minInstances: 0, maxInstances: 1 },
        },
      },
      /jobs\.gpu\.instanceType: must be a GPU instance type/,
    ],
    ['outputs that never expire', { artifacts: { outputExpiryDays: 0 } }, /environments\.dev\.artifacts\.outputExpiryDays/],
    ['an unknown artifacts setting', { artifacts: { inputExpiryDays: 3 } }, /environments\.dev\.artifacts/],
  ])('names the bad value: %s', (_why, patch, message) => {
    const envs = structuredClone(CDK_CONTEXT.environments) as Record<string, Record<string, unknown>>;
    Object.assign(envs.dev!, patch);
    expect(() => parseEnvironments(envs)).toThrow(message);
  });

  it('fills the artifacts lifecycle defaults a stage leaves out, and keeps the ones it sets', () => {
    expect(all.find((e) => e.name === 'dev')!.config.artifacts).toEqual({ outputExpiryDays: 30, noncurrentVersionExpiryDays: 7, abortIncompleteUploadDays: 2 });
    const envs = structuredClone(CDK_CONTEXT.environments) as Record<string, Record<string, unknown>>;
    envs.dev!.artifacts = { outputExpiryDays: 90 };
    expect(parseEnvironments(envs).find((e) => e.name === 'dev')!.config.artifacts).toEqual({
      outputExpiryDays: 90,
      noncurrentVersionExpiryDays: 7,
      abortIncompleteUploadDays: 2,
    });
  });

  it('rejects an environment name the functions would not accept as VRACU_STAGE', () => {
    const envs = structuredClone(CDK_CONTEXT.environments) as Record<string, unknown>;
    envs.qa = envs.dev;
    expect(() => parseEnvironments(envs)).toThrow(/environments/);
  });
});
