/** A job's privacy requirement (the issue's `privacy` member of POST /v1/jobs) and its tier. */
/** The hardware attesters a job may require (`development`: the local stack's stand-in, refused in prod). */
export const ATTESTER_NAMES = ['snp', 'tdx', 'nvidia', 'development'] as const;
export type AttesterName = (typeof ATTESTER_NAMES)[number];

/** `ephemeral-container` (seed 000): a fresh container, no keys; `attested`: keys only after the hardware is proven. */
export type PrivacyTier = 'ephemeral-container' | 'attested';

/** What an attested job requires: every listed attester must accept the container's evidence. */
export interface JobPrivacy {
  tier: 'attested';
  attesters: AttesterName[];
}

export const tierOf = (j: { privacy?: JobPrivacy | undefined }): PrivacyTier => j.privacy?.tier ?? 'ephemeral-container';
