/**
 * GPU capacity: an Auto Scaling group of ECS GPU-optimised instances in private subnets,
 * behind an ECS capacity provider with managed scaling and draining, added to the cluster.
 */
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeAll } from '../nag.ts';
import { httpsOnlyGroup } from './job-network.ts';

export interface GpuCapacityProps {
  cluster: ecs.Cluster;
  vpc: ec2.IVpc;
  /** Known at synth time, so functions name it without a cross-stack import. */
  capacityProviderName: string;
  instanceType: string;
  minInstances: number;
  maxInstances: number;
}

export class GpuCapacity extends Construct {
  readonly capacityProvider: ecs.AsgCapacityProvider;

  constructor(scope: Construct, id: string, props: GpuCapacityProps) {
    super(scope, id);
    const securityGroup = httpsOnlyGroup(
      this,
      'InstanceSecurityGroup',
      props.vpc,
      'GPU container instances: no inbound traffic; outbound HTTPS only (ECS agent, registries)',
    );
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'GPU container instances: register with the job cluster',
    });
    const userData = ec2.UserData.forLinux();
    // A stopped task's volumes (the job's files) go at the ECS agent's cleanup, 3 h after
    // the task by default: the minimum makes the second line of deletion prompt.
    userData.addCommands('echo ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=1m >> /etc/ecs/ecs.config');
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(props.instanceType),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
      userData,
      role,
      securityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    const group = new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: props.minInstances,
      maxCapacity: props.maxInstances,
    });
    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      capacityProviderName: props.capacityProviderName,
      autoScalingGroup: group,
      enableManagedScaling: true,
      // ECS drains instances itself (managed draining): no CDK drain-hook function.
      enableManagedDraining: true,
      // Jobs have their own deadline and deletion attestation; scale-in may stop them.
      enableManagedTerminationProtection: false,
    });
    props.cluster.addAsgCapacityProvider(this.capacityProvider);
    acknowledge(
      group,
      'AwsSolutions-AS3',
      'Scaling is managed by the ECS capacity provider and watched through Container Insights and the job alarms; per-instance scaling notifications add nothing to act on.',
    );
    acknowledgeAll(
      role,
      ['AwsSolutions-IAM5[Action::ecs:Submit*]', 'AwsSolutions-IAM5[Resource::*]'],
      'The container-instance statements the CDK adds for the ECS agent (ecs:Submit*, DiscoverPollEndpoint, ecr:GetAuthorizationToken, logs) are the ones ECS documents for its agent; several have no resource-level permissions.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      'The AWS managed ECS container-instance policy is what the ECS agent needs to register and report; ECS documents it as the instance role policy.',
    );
  }
}
