/**
 * SSM `CreateActivation` for a joining provider: the instance role of ECS Anywhere machines
 * (lib/constructs/external-instances.ts), one registration, an expiry, the provider's id as the
 * managed instance's default name and as a tag. The machine then runs the ECS Anywhere install
 * script with the activation and its provider attribute (docs/providers.md).
 */
import { CreateActivationCommand, type CreateActivationCommandInput, type SSMClient } from '@aws-sdk/client-ssm';
import { isoAt } from '../../platform/clock.ts';
import type { EcsAnywhereEnv } from '../../definitions/environment.ts';
import { PROVIDER_TAG } from '../../definitions/external-instances.ts';
import type { Activations, ProviderActivation } from './activations.ts';

export class SsmActivations implements Activations {
  constructor(
    private readonly client: SSMClient,
    private readonly cfg: { role: string; cluster: string; activationHours: number; region: string },
  ) {}

  /** The exact request for a provider (exported for tests). */
  input(providerId: string, nowMs: number): CreateActivationCommandInput {
    return {
      Description: `VR-ACU provider ${providerId}`,
      DefaultInstanceName: providerId,
      IamRole: this.cfg.role,
      // One machine per activation: a leaked code cannot register a second one.
      RegistrationLimit: 1,
      ExpirationDate: new Date(nowMs + this.cfg.activationHours * 3_600_000),
      Tags: [{ Key: PROVIDER_TAG, Value: providerId }],
    };
  }

  async create(providerId: string, nowMs: number): Promise<ProviderActivation> {
    const input = this.input(providerId, nowMs);
    const out = await this.client.send(new CreateActivationCommand(input));
    if (!out.ActivationId || !out.ActivationCode) throw new Error('CreateActivation answered no activation');
    return {
      activationId: out.ActivationId,
      activationCode: out.ActivationCode,
      region: this.cfg.region,
      expiresAt: isoAt(input.ExpirationDate!.getTime()),
      cluster: this.cfg.cluster,
    };
  }
}

/** The adapter when the environment names the instance role and cluster; else none. */
export function activationsFromEnv(env: EcsAnywhereEnv, region: string | undefined, client: () => SSMClient): SsmActivations | undefined {
  if (!env.VRACU_ECS_ANYWHERE_ROLE || !env.VRACU_ECS_ANYWHERE_CLUSTER) return undefined;
  if (!region) throw new Error('ECS Anywhere activations need AWS_REGION');
  return new SsmActivations(client(), {
    role: env.VRACU_ECS_ANYWHERE_ROLE,
    cluster: env.VRACU_ECS_ANYWHERE_CLUSTER,
    activationHours: env.VRACU_ECS_ANYWHERE_ACTIVATION_HOURS,
    region,
  });
}
