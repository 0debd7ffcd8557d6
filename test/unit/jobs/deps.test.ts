/** The jobs composition: one driver seam, chosen once from explicit inputs or, in a Lambda, from its environment. */
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../../functions/platform/runtime.ts';
import { loadConfig } from '../../../functions/platform/config.ts';
import { cloudDriver, composeJobs, jobsContext } from '../../../functions/jobs/deps.ts';
import { loadJobsConfig } from '../../../functions/jobs/config.ts';
import { EcsDriver } from '../../../functions/jobs/drivers/ecs.ts';
import type { ContainerDriver } from '../../../functions/jobs/drivers/driver.ts';

const rt = createRuntime(loadConfig({ VRACU_STAGE: 'test' }));
const ECS = {
  VRACU_CONTAINER_DRIVER: 'ecs',
  VRACU_ECS_CLUSTER: 'c',
  VRACU_ECS_SUBNETS: 'subnet-0a1b2c3d',
  VRACU_ECS_SECURITY_GROUP: 'sg-0a1b2c3d',
  VRACU_ECS_TASK_DEFINITIONS: '{"*":{"cpu":"td:1"}}',
};

describe('composeJobs', () => {
  it('launches with the driver it was given, the same one every time', async () => {
    const given = { kind: 'local' } as ContainerDriver;
    const d = composeJobs({ rt, config: loadJobsConfig({}), driver: given });
    expect(await d.driver()).toBe(given);
    expect(await d.driver()).toBe(given);
  });

  it('builds a driver given as a factory once, on first use', async () => {
    let made = 0;
    const d = composeJobs({ rt, config: loadJobsConfig({}), driver: () => (made++, { kind: 'local' } as ContainerDriver) });
    expect(made).toBe(0);
    await d.driver();
    await d.driver();
    expect(made).toBe(1);
  });

  it('a Lambda composes the ECS driver from its environment for VRACU_CONTAINER_DRIVER=ecs', async () => {
    const d = jobsContext.fromEnv({ VRACU_STAGE: 'test', ...ECS });
    expect(await d.driver()).toBeInstanceOf(EcsDriver);
  });

  it('a Lambda on the local driver fails clearly: the sandbox exists only on the local stack', () => {
    expect(() => cloudDriver(rt, loadJobsConfig({}), {})()).toThrow(/local stack.*VRACU_CONTAINER_DRIVER=ecs/);
  });

  it('refuses an unknown driver name or a bad ECS setting, naming the variable', () => {
    expect(() => loadJobsConfig({ VRACU_CONTAINER_DRIVER: 'docker' })).toThrow('VRACU_CONTAINER_DRIVER');
    expect(() => cloudDriver(rt, loadJobsConfig(ECS), { ...ECS, VRACU_ECS_SUBNETS: 'nope' })()).toThrow('VRACU_ECS_SUBNETS');
  });

  it('signs with key files only when given a key-file signer (the local stack)', async () => {
    const d = composeJobs({ rt, config: loadJobsConfig({}), driver: { kind: 'local' } as ContainerDriver });
    await expect(d.signerFor({ name: 'a', identity: 'i', publicKey: '02'.padEnd(66, '0'), ownerId: 'o', tenant: 't', registeredAt: '' })).rejects.toThrow(
      /key files.*VRACU_AGENT_SIGNER=kms/,
    );
  });
});
