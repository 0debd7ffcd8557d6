/**
 * Console: the web console on CloudFront, with the HTTP API under `/v1/*` of the same
 * origin (lib/constructs/console-site.ts). Deployed after the Api stack it fronts.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { ConsoleSite } from '../constructs/console-site.ts';
import type { StageSettings } from '../settings.ts';

export interface ConsoleStackProps extends StackProps {
  settings: StageSettings;
  httpApi: apigw.IHttpApi;
}

export class ConsoleStack extends Stack {
  readonly site: ConsoleSite;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.site = new ConsoleSite(this, 'Site', { prefix: props.settings.prefix, httpApi: props.httpApi, removalPolicy: props.settings.removalPolicy });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `https://${this.site.distribution.distributionDomainName}/`,
      description: 'The web console (and the API under /v1/)',
    });
  }
}
