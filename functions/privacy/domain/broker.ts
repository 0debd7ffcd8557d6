/**
 * The key broker port (seed §2.5): a fresh data key for one step of one session, bound to the
 * job and its attestation hash. Which broker runs is configuration (config.ts), checked at start.
 */
export const BROKER_NAMES = ['static', 'aws_kms', 'split_key', 'vault_transit'] as const;
export type BrokerName = (typeof BROKER_NAMES)[number];

export interface KeyRequest {
  jobId: string;
  attestationHash: string;
  sessionId: string;
  saltHex: string;
  step: number;
}

export interface DataKey {
  /** 32 bytes; the caller zeroes it once it has been answered. */
  plaintext: Buffer;
}

export interface KeyBroker {
  readonly name: BrokerName;
  dataKey(req: KeyRequest): Promise<DataKey>;
}

/** `jobId:attestationHash` and `sessionId:step`: the HKDF info strings (deterministic, well under 1024 bytes). */
export const jobInfo = (jobId: string, attestationHash: string): string => `${jobId}:${attestationHash}`;
export const stepInfo = (sessionId: string, step: number): string => `${sessionId}:${step}`;
