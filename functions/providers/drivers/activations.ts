/**
 * The activation port: at join time a provider's machine is given an SSM hybrid activation, so
 * it can register with the job cluster as an ECS Anywhere external instance. The SSM adapter
 * is `ssm-activations.ts`; without one (the local stack) the join answers no activation.
 */
export interface ProviderActivation {
  activationId: string;
  /** The secret half: shown once in the join's answer, never stored by the exchange. */
  activationCode: string;
  region: string;
  expiresAt: string;
  cluster: string;
}

export interface Activations {
  /** One activation for one machine (registration limit 1), tagged with the provider. */
  create(providerId: string, nowMs: number): Promise<ProviderActivation>;
}
