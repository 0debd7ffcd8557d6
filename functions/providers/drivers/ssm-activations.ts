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
import { providersError } from '../errors.ts';

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
    let out;
    try {
      out = await this.client.send(new CreateActivationCommand(input));
    } catch (err) {
      // SSM's refusal, throttling or absence is the exchange's problem, not the joining machine's: 503, the token kept.
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      throw providersError(
        'activation_unavailable',
        "the exchange cannot create this machine's ECS Anywhere activation now; the join token is still good: try again later",
        {
          ssm: { error: e.name ?? 'Error', status: e.$metadata?.httpStatusCode ?? null },
        },
      );
    }
    if (!out.ActivationId || !out.ActivationCode)
      throw providersError('activation_unavailable', 'SSM answered no activation; the join token is still good: try again later', {
        ssm: { error: 'NoActivation', status: out.$metadata.httpStatusCode ?? null },
      });
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
