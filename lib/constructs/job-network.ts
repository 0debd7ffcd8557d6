/**
 * Where job tasks live on the network: the stage's VPC (REJECT flow logs kept) and a
 * security group with no ingress and egress on 443 only. Without NAT gateways tasks run in
 * public subnets with a public IP (the group still admits nothing); with NAT, in private ones.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface JobNetworkProps {
  maxAzs: number;
  natGateways: number;
  retention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class JobNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  /** The subnets job tasks are placed in. */
  readonly subnetType: ec2.SubnetType;

  constructor(scope: Construct, id: string, props: JobNetworkProps) {
    super(scope, id);
    this.subnetType = props.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC;
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { retention: props.retention, removalPolicy: props.removalPolicy });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        ...(props.natGateways > 0 ? [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 }] : []),
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    // The exchange's HTTP API has no private endpoint and no fixed addresses, and images
    // come from public registries: port 443 is as narrow as a security group can say.
    this.securityGroup = httpsOnlyGroup(
      this,
      'JobSecurityGroup',
      this.vpc,
      'Job containers: no inbound traffic; outbound HTTPS only (AWS APIs, registries, the exchange API)',
    );
  }

  /** The ECS driver's placement settings. */
  placement(): { subnets: string[]; securityGroup: string; assignPublicIp: 'ENABLED' | 'DISABLED' } {
    return {
      subnets: this.vpc.selectSubnets({ subnetType: this.subnetType }).subnetIds,
      securityGroup: this.securityGroup.securityGroupId,
      assignPublicIp: this.subnetType === ec2.SubnetType.PUBLIC ? 'ENABLED' : 'DISABLED',
    };
  }
}

/** A security group that admits nothing and lets out HTTPS only. */
export function httpsOnlyGroup(scope: Construct, id: string, vpc: ec2.IVpc, description: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, id, { vpc, description, allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');
  return group;
}
