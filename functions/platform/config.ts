/**
 * Configuration comes from the environment, parsed by zod once at start. A missing or
 * malformed variable fails fast with a message that names it.
 */
import * as z from 'zod';

export const Stage = z.enum(['local', 'dev', 'staging', 'prod', 'test']);

const ConfigSchema = z.object({
  VRACU_STAGE: Stage.default('local'),
  VRACU_TABLE_PREFIX: z.string().min(1).default('vracu-local'),
  VRACU_SERVICE: z.string().default('vracu'),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set only for local engines: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Set only for local engines: the SQS server's URL. */
  SQS_ENDPOINT: z.url().optional(),
  /** Queue URLs, by queue id, as JSON (the cloud injects them; the local stack too). */
  VRACU_QUEUE_URLS: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of queue id to URL' });
        return z.NEVER;
      }
    }),
  VRACU_EVENT_BUS: z.string().default('vracu-local'),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses `env`; throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
export function resetConfig(): void {
  cached = undefined;
}
