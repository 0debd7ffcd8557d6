/**
 * Prod: data survives the stack, alarms reach a person, and cdk-nag still passes. Also
 * the proof that the cdk-nag wiring is live (in this file to share the synth-time
 * validation engine's start-up, the slowest part of a synth).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge, addNagChecks } from '../../lib/nag.ts';
import { TABLES } from '../../functions/definitions/tables.ts';
import { Match } from 'aws-cdk-lib/assertions';
import { parseEnvironments } from '../../lib/config.ts';
import { CDK_CONTEXT, resources, synthEnvironment, type Synthesized } from './support.ts';

const CONFIG = parseEnvironments(CDK_CONTEXT.environments).find((e) => e.name === 'prod')!.config;

let s: Synthesized;
beforeAll(() => {
  s = synthEnvironment('prod');
});

describe('prod stage', () => {
  it('synthesizes with zero unacknowledged cdk-nag findings', () => {
    expect(s.synthError?.message).toBeUndefined();
  });

  it('retains every table and protects it from deletion', () => {
    const tables = Object.values(resources(s.t.data, 'AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const t of tables) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.UpdateReplacePolicy).toBe('Retain');
      expect(t.Properties!.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });

  it('retains keys, log groups and the sidecar repository', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::ECR::Repository']) {
      for (const tpl of s.all) {
        for (const [id, r] of Object.entries(resources(tpl, type))) expect(r.DeletionPolicy, `${type} ${id}`).toBe('Retain');
      }
    }
  });

  it('retains the artifacts bucket and its log bucket (their keys are retained above)', () => {
    const buckets = Object.entries(resources(s.t.data, 'AWS::S3::Bucket'));
    expect(buckets.map(([, b]) => b.Properties!.BucketName).sort()).toEqual([
      `vracu-prod-artifacts-${CONFIG.account}-${CONFIG.region}`,
      `vracu-prod-artifacts-logs-${CONFIG.account}-${CONFIG.region}`,
    ]);
    for (const [id, b] of buckets) {
      expect(b.DeletionPolicy, id).toBe('Retain');
      expect(b.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('mails alarms through a subscription with a DLQ', () => {
    s.t.observability.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email' });
    const [sub] = Object.values(resources(s.t.observability, 'AWS::SNS::Subscription'));
    expect(sub!.Properties!.RedrivePolicy).toBeDefined();
  });

  it('runs job containers in private subnets behind NAT', () => {
    const fn = Object.values(resources(s.t.async, 'AWS::Lambda::Function')).find((f) => f.Properties!.Environment.Variables.VRACU_ECS_CLUSTER);
    expect(fn?.Properties!.Environment.Variables.VRACU_ECS_ASSIGN_PUBLIC_IP).toBe('DISABLED');
    s.t.compute.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  it('sends GPU jobs to a capacity provider of GPU instances, with an EC2 task definition per image', () => {
    const gpu = CONFIG.jobs.gpu!;
    s.t.compute.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: String(gpu.minInstances), MaxSize: String(gpu.maxInstances) });
    s.t.compute.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: gpu.instanceType, MetadataOptions: Match.objectLike({ HttpTokens: 'required' }) }),
    });
    s.t.compute.hasResourceProperties('AWS::ECS::CapacityProvider', {
      Name: 'vracu-prod-gpu',
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: Match.objectLike({ Status: 'ENABLED' }) }),
    });
    const [lt] = Object.values(resources(s.t.compute, 'AWS::EC2::LaunchTemplate'));
    expect(JSON.stringify(lt!.Properties!.LaunchTemplateData.UserData)).toContain('ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=1m');
    // Managed draining: no drain-hook function of the CDK's own in the compute stack.
    s.t.compute.resourceCountIs('AWS::Lambda::Function', 0);
    const ec2Tasks = Object.values(resources(s.t.compute, 'AWS::ECS::TaskDefinition')).filter((t) => t.Properties!.RequiresCompatibilities.includes('EC2'));
    expect(ec2Tasks).toHaveLength(CONFIG.jobs.images.length);
    for (const t of ec2Tasks) {
      expect(t.Properties!.NetworkMode).toBe('awsvpc');
      const workload = t.Properties!.ContainerDefinitions.find((c: any) => c.Name === 'workload');
      expect(workload.ResourceRequirements).toEqual([{ Type: 'GPU', Value: '1' }]);
      expect(workload.ReadonlyRootFilesystem).toBe(true);
    }
    const fn = Object.values(resources(s.t.async, 'AWS::Lambda::Function')).find((f) => f.Properties!.Environment.Variables.VRACU_ECS_CLUSTER);
    expect(fn?.Properties!.Environment.Variables.VRACU_ECS_GPU_CAPACITY_PROVIDER).toBe('vracu-prod-gpu');
  });
});

function appWithQueue(ack: boolean): App {
  const app = new App();
  const stack = new Stack(new Stage(app, 'canary'), 'Canary');
  const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
  const q = new sqs.Queue(stack, 'Queue', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } }); // no enforceSSL: AwsSolutions-SQS4
  acknowledge(dlq, 'Serverless-SQSRedrivePolicy', 'The canary DLQ has no DLQ of its own, by design of this test.');
  if (ack) acknowledge(q, 'AwsSolutions-SQS4', 'The canary queue omits enforceSSL to prove the check runs.');
  addNagChecks(app);
  return app;
}

describe('cdk-nag wiring', () => {
  it('fails the synth on an unacknowledged finding', () => {
    expect(() => appWithQueue(false).synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('passes once the finding is acknowledged', () => {
    expect(() => appWithQueue(true).synth()).not.toThrow();
  });

  it('refuses an acknowledgement without a reason', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => acknowledge(stack, 'AwsSolutions-SQS4', 'because')).toThrow(/real reason/);
  });
});
