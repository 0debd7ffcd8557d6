import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../functions/platform/config.ts';

describe('config from the environment', () => {
  it('applies sane defaults', () => {
    const c = loadConfig({});
    expect(c.VRACU_STAGE).toBe('local');
    expect(c.VRACU_QUEUE_URLS).toEqual({});
  });

  it.each([
    [{ VRACU_STAGE: 'qa' }, 'VRACU_STAGE'],
    [{ DYNAMODB_ENDPOINT: 'not a url' }, 'DYNAMODB_ENDPOINT'],
    [{ VRACU_QUEUE_URLS: '{oops' }, 'VRACU_QUEUE_URLS'],
  ])('fails fast naming the variable: %j', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });
});
