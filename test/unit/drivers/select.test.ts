import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../functions/platform/runtime.ts';
import { loadConfig } from '../../../functions/platform/config.ts';
import { driverFor, setLocalDriver } from '../../../functions/jobs/drivers/select.ts';
import { EcsDriver } from '../../../functions/jobs/drivers/ecs.ts';
import type { ContainerDriver } from '../../../functions/jobs/drivers/driver.ts';

const rt = createRuntime({ config: loadConfig({ VRACU_STAGE: 'test' }) });
const fakeLocal = { kind: 'local' } as ContainerDriver;

afterEach(() => setLocalDriver(undefined));

describe('driverFor', () => {
  it('fails clearly when no local driver is registered', () => {
    expect(() => driverFor(rt, {})).toThrow('setLocalDriver');
  });

  it('returns the registered local driver by default and for VRACU_CONTAINER_DRIVER=local', () => {
    setLocalDriver(fakeLocal);
    expect(driverFor(rt, {})).toBe(fakeLocal);
    expect(driverFor(rt, { VRACU_CONTAINER_DRIVER: 'local' })).toBe(fakeLocal);
  });

  it('builds the ECS driver from its settings for VRACU_CONTAINER_DRIVER=ecs', () => {
    const d = driverFor(rt, {
      VRACU_CONTAINER_DRIVER: 'ecs',
      VRACU_ECS_CLUSTER: 'c',
      VRACU_ECS_SUBNETS: 'subnet-0a1b2c3d',
      VRACU_ECS_SECURITY_GROUP: 'sg-0a1b2c3d',
      VRACU_ECS_TASK_DEFINITIONS: '{"*":{"cpu":"td:1"}}',
    });
    expect(d).toBeInstanceOf(EcsDriver);
    expect(d.kind).toBe('ecs');
  });

  it('rejects an unknown driver name', () => {
    setLocalDriver(fakeLocal);
    expect(() => driverFor(rt, { VRACU_CONTAINER_DRIVER: 'docker' })).toThrow('VRACU_CONTAINER_DRIVER');
  });
});
