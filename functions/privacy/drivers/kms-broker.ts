/**
 * The `aws_kms` key broker: GenerateDataKey (AES_256) with EncryptionContext {jobId,
 * attestationHash}, so the key policy can require that context (lib/) and CloudTrail records
 * which job and attestation each key was made for. A fresh key per call: every step rotates.
 * Throttling (the symmetric request quota is shared) is retried with jittered backoff.
 */
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { withRetry, type RetryPolicy } from '../../platform/dynamo/retry.ts';
import type { DataKey, KeyBroker, KeyRequest } from '../domain/broker.ts';

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'KMSInternalException']);
const RETRY: RetryPolicy = { attempts: 5, baseMs: 25, capMs: 800 };

export class KmsBroker implements KeyBroker {
  readonly name = 'aws_kms' as const;
  constructor(
    private readonly kms: Pick<KMSClient, 'send'>,
    private readonly keyId: string,
    private readonly retry: RetryPolicy = RETRY,
  ) {}

  /** The request for one data key (exported for the request-shape tests). */
  request(req: KeyRequest): GenerateDataKeyCommand {
    return new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { jobId: req.jobId, attestationHash: req.attestationHash } });
  }

  async dataKey(req: KeyRequest): Promise<DataKey> {
    const out = await withRetry(
      () => this.kms.send(this.request(req)),
      (e) => THROTTLED.has((e as { name?: string }).name ?? ''),
      this.retry,
    );
    const plain = out.Plaintext;
    if (!plain || plain.length !== 32) throw new Error('KMS GenerateDataKey returned no 32-byte plaintext');
    const plaintext = Buffer.alloc(32);
    plaintext.set(plain);
    plain.fill(0);
    return { plaintext };
  }
}
