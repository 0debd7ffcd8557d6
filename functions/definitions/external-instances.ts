/**
 * ECS Anywhere: a joined provider's machine registers with the exchange's job cluster as an
 * external container instance (SSM hybrid activation, then the ECS agent), carrying one custom
 * attribute naming its provider. The ECS driver pins a provider's jobs to that attribute; the
 * join answers the activation and the attribute; the CDK makes the instance role. One
 * definition for the three of them.
 */

/** The tag naming the provider on its SSM activation (and the managed instance it registers). */
export const PROVIDER_TAG = 'vracu:provider';

/** The container-instance attribute a provider's machine registers with (`ECS_INSTANCE_ATTRIBUTES`). */
export const PROVIDER_ATTRIBUTE = 'vracu.provider';

/** Joined providers' ids (the directory's `prv_…`); catalog fixtures and the exchange pool run on the exchange's own capacity. */
const JOINED_PROVIDER_ID = /^prv_[0-9A-HJKMNP-TV-Z]{26}$/;

export const isJoinedProviderId = (providerId: string): boolean => JOINED_PROVIDER_ID.test(providerId);

/** The RunTask placement constraint that runs a task only on `providerId`'s external instance. */
export const providerConstraint = (providerId: string): { type: 'memberOf'; expression: string } => {
  // The id goes into an ECS cluster query expression: only the strict id shape may.
  if (!isJoinedProviderId(providerId)) throw new Error(`not a joined provider id: ${JSON.stringify(providerId)}`);
  return { type: 'memberOf', expression: `attribute:${PROVIDER_ATTRIBUTE} == ${providerId}` };
};

/** The ECS agent's configuration line for the node's /etc/ecs/ecs.config (before ecs-anywhere-install.sh). */
export const ecsAgentAttributes = (providerId: string): string => `ECS_INSTANCE_ATTRIBUTES=${JSON.stringify({ [PROVIDER_ATTRIBUTE]: providerId })}`;
