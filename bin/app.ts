/**
 * The CDK app (cdk.json runs it with tsx). `-c env=<name>` builds one environment's
 * stage; without it every environment in cdk.json is built. See docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.ts';

buildApp(new App());
