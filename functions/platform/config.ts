/**
 * The platform's configuration: the environment contract's PlatformEnv
 * (functions/definitions/environment.ts), parsed once by whoever composes (a Lambda entry
 * from its environment, the local stack from its own values). A missing or malformed
 * variable fails fast with a message that names it.
 */
import * as z from 'zod';
import { EnvironmentError, parseEnv, PlatformEnv, STAGES } from '../definitions/environment.ts';

export const Stage = z.enum(STAGES);

export type Config = PlatformEnv;

/** A bad environment (the contract's error, under the name the platform has always used). */
export const ConfigError = EnvironmentError;

/** Parses `env`; throws a ConfigError naming each bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  return parseEnv(PlatformEnv, env, 'configuration');
}
