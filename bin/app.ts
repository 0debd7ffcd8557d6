/**
 * The CDK app (cdk.json runs it with tsx). `-c env=<name>` builds one environment's
 * stage; without it every environment in cdk.json is built. See docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.ts';
import { EnvironmentConfigError } from '../lib/config.ts';

try {
  buildApp(new App());
} catch (e) {
  // A bad cdk.json or -c env is the user's to fix: say what, without a stack trace.
  if (!(e instanceof EnvironmentConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
