/**
 * What every stack of one stage needs to know about it: its name, the prefix of every
 * physical name, its parsed settings, and the removal policy of stateful resources.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Environment, EnvironmentConfig } from './config.ts';

export interface StageSettings {
  /** Environment name: the Stage id and `VRACU_STAGE`. */
  name: string;
  /** `vracu-<name>`: prefixes tables, queues, functions, the bus, the cluster. */
  prefix: string;
  config: EnvironmentConfig;
  /** RETAIN where the environment asks for deletion protection, DESTROY otherwise. */
  removalPolicy: RemovalPolicy;
}

export function stageSettings(env: Environment): StageSettings {
  return {
    name: env.name,
    prefix: `vracu-${env.name}`,
    config: env.config,
    removalPolicy: env.config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}
