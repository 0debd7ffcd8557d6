/**
 * The one NodejsFunction every Lambda of the exchange is built with: Node.js 22 on ARM64,
 * explicit memory and timeout, ESM bundles with source maps (options from lib/bundling.ts,
 * shared with the cold-start bench), JSON logs into a log group with retention, active
 * X-Ray tracing, and an execution role of its own that holds only what is granted to it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALIAS_ESBUILD_ARGS, BUNDLING, REPO_ROOT, entryPath } from '../bundling.ts';
import { baseEnvironment, type LambdaDef } from '../lambdas.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../settings.ts';

/** The runtime every function uses; the local stack and the tests run the same major. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** Stands in for an entry that does not exist yet, only when the stack is not bundled. */
const MISSING_ENTRY_PLACEHOLDER = join(REPO_ROOT, 'lib', 'constructs', 'missing-entry.ts');

export interface VrAcuFunctionProps {
  def: LambdaDef;
  settings: StageSettings;
  /** Variables besides the ones every function gets (stage, prefix, Powertools). */
  environment?: Record<string, string>;
  /**
   * Where failed asynchronous invocations go. Required for `schedule` functions; route,
   * authorizer and consumer functions are invoked synchronously (the queue's own DLQ
   * catches consumer failures), so they have none.
   */
  deadLetterQueue?: IQueue;
}

export class VrAcuFunction extends NodejsFunction {
  readonly def: LambdaDef;
  /** The physical name, known at synth time: `${prefix}-${def.id}`. */
  readonly deployedName: string;
  /** True when the entry file does not exist and bundling was skipped (unit tests). */
  readonly missingEntry: boolean;

  constructor(scope: Construct, id: string, props: VrAcuFunctionProps) {
    const built = VrAcuFunction.buildProps(scope, id, props);
    super(scope, id, built.props);
    this.def = props.def;
    this.deployedName = built.name;
    this.missingEntry = built.missingEntry;
    if (built.missingEntry) {
      Annotations.of(this).addWarningV2('vracu:missing-entry', `${props.def.entry} does not exist; synthesized without bundling only (a real synth fails)`);
    }

    acknowledge(
      this,
      'AwsSolutions-L1',
      'Node.js 22 on purpose: the local stack and the tests run on Node 22 (README); moving to 24 is a change of LAMBDA_RUNTIME together with the toolchain.',
    );
    acknowledge(
      this,
      'Serverless-LambdaLatestVersion',
      'Node.js 22 on purpose: the local stack and the tests run on Node 22 (README); moving to 24 is a change of LAMBDA_RUNTIME together with the toolchain.',
    );
    if (!props.deadLetterQueue) {
      acknowledge(
        this,
        'Serverless-LambdaDLQ',
        props.def.kind === 'consumer'
          ? 'Invoked by an SQS event source mapping: failed messages return to the queue and move to its redrive DLQ; a function DLQ would never receive anything.'
          : 'Invoked synchronously by API Gateway: the caller gets the error; a function DLQ only applies to asynchronous invocations.',
      );
    }
  }

  private static buildProps(
    scope: Construct,
    id: string,
    { def, settings, environment, deadLetterQueue }: VrAcuFunctionProps,
  ): { props: NodejsFunctionProps; name: string; missingEntry: boolean } {
    if (def.kind === 'schedule' && !deadLetterQueue) {
      throw new Error(`function "${def.id}" is invoked asynchronously and needs a deadLetterQueue`);
    }
    const name = `${settings.prefix}-${def.id}`;
    if (name.length > 64) throw new Error(`function name "${name}" is longer than 64 characters`);

    let entry = entryPath(def.entry);
    let missingEntry = false;
    if (!existsSync(entry) && !Stack.of(scope).bundlingRequired) {
      entry = MISSING_ENTRY_PLACEHOLDER;
      missingEntry = true;
    }

    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      logGroupName: `/aws/lambda/${name}`,
      retention: settings.config.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.removalPolicy,
    });
    // Our own role: no AWS managed policy (AWSLambdaBasicExecutionRole grants logs on
    // every log group); this one may write only its own log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${name}`,
    });
    logGroup.grantWrite(role);
    // X-Ray has no resource-level permissions: the tracing statement is `Resource: *`.
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only the X-Ray statement (xray:PutTraceSegments, xray:PutTelemetryRecords) has Resource *: X-Ray supports no resource-level permissions. test/infra asserts no other action is granted on *.',
    );

    const memoryMb = def.memoryMb ?? settings.config.lambda.memoryMb;
    const timeoutSec = def.timeoutSec ?? settings.config.lambda.timeoutSec;
    const props: NodejsFunctionProps = {
      functionName: name,
      description: def.description.slice(0, 256),
      entry,
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: memoryMb,
      timeout: Duration.seconds(timeoutSec),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      deadLetterQueue,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourceMap,
        sourcesContent: BUNDLING.sourcesContent,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: [...BUNDLING.externalModules],
        esbuildArgs: ALIAS_ESBUILD_ARGS,
      },
      environment: { ...baseEnvironment(def, settings.name, settings.prefix), ...environment },
    };
    return { props, name, missingEntry };
  }
}
