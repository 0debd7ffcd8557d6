/**
 * Starts the real local engines once per test run: DynamoDB Local (Java) and the SQS
 * server. Tests receive their endpoints through `inject()`; each test file provisions its
 * own tables under a unique prefix, so files never see each other's data.
 */
import type { TestProject } from 'vitest/node';
import { startDynamo, type DynamoEngine } from '../../local/engines/dynamo.ts';
import { startSqs, type SqsEngine } from '../../local/engines/sqs.ts';

let dynamo: DynamoEngine | undefined;
let sqs: SqsEngine | undefined;

export async function setup(project: TestProject): Promise<void> {
  [dynamo, sqs] = await Promise.all([startDynamo(), startSqs()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all([dynamo?.stop(), sqs?.stop()]);
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}
