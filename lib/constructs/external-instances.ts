/**
 * ECS Anywhere: joined providers' machines register with the job cluster as external
 * instances. This is the role an SSM hybrid activation gives such a machine (SSM agent, then
 * the ECS agent registering the container instance), and the grant the join function needs
 * to create one activation per joining machine and pass it this role.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PROVIDER_TAG } from '../../functions/definitions/external-instances.ts';
import { acknowledge, acknowledgeAll } from '../nag.ts';

export interface ExternalInstancesProps {
  /** Known at synth time: the join function names it in CreateActivation (a role name, not an ARN). */
  roleName: string;
}

export class ExternalInstances extends Construct {
  readonly role: iam.Role;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: ExternalInstancesProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.roleName = props.roleName;
    this.role = new iam.Role(this, 'InstanceRole', {
      roleName: props.roleName,
      // SSM assumes it for the managed instance; only on behalf of this account's activations (confused deputy).
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:aws:ssm:${region}:${account}:*` },
        },
      }),
      description: "Joined providers' machines (ECS Anywhere external instances): SSM agent and ECS agent",
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEC2ContainerServiceforEC2Role'),
      ],
    });
    acknowledgeAll(
      this.role,
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      ],
      'ECS Anywhere documents these two AWS managed policies as the external instance role: the SSM agent of a hybrid activation and the ECS agent registering the container instance.',
    );
  }

  /**
   * Lets `fn` create hybrid activations tagged with a provider (nothing else can be tagged on
   * them) and pass this role to SSM only.
   */
  grantActivate(fn: { role?: iam.IRole } & iam.IGrantable): void {
    const { account, region } = Stack.of(this);
    const principal = fn.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:CreateActivation'],
        resources: ['*'],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [PROVIDER_TAG] }, Null: { [`aws:RequestTag/${PROVIDER_TAG}`]: 'false' } },
      }),
    );
    // Tags given at creation are authorised as AddTagsToResource on the new activation.
    const activations = `arn:aws:ssm:${region}:${account}:activation/*`;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:AddTagsToResource'],
        resources: [activations],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [PROVIDER_TAG] } },
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      }),
    );
    if (fn.role) {
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'ssm:CreateActivation supports no resource-level permissions; the statement only allows activations tagged with the provider.',
      );
      acknowledge(
        fn.role,
        `AwsSolutions-IAM5[Resource::${activations}]`,
        'Activation ids are assigned by SSM at creation: tagging the new activation can only name the activations of this account and region by wildcard.',
      );
    }
  }
}
