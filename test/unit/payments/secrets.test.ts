/**
 * The payments secrets reader (Powertools Parameters' SecretsProvider over the real SDK
 * client) against a loopback Secrets Manager: the request is GetSecretValue as the API
 * documents it (POST /, awsJson1.1, X-Amz-Target secretsmanager.GetSecretValue, a SigV4
 * signature, {"SecretId"}), the answer's SecretString becomes the setting, and a function
 * refuses to start without what it requires, naming the setting and never a value.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentsSecretsError, resolvePaymentsSecrets, secretsManagerReader } from '../../../functions/payments/drivers/secrets.ts';
import { loadPaymentsConfig } from '../../../functions/payments/index.ts';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

const STRIPE_KEY = 'sk_test_from_secrets_manager';
const WHSEC = 'whsec_from_secrets_manager';
const WALLET = `0x${'ab'.repeat(32)}`;
const SECRETS: Record<string, string> = {
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:vracu-dev/payments/stripe-secret-key-AbCdEf': STRIPE_KEY,
  'vracu-dev/payments/stripe-webhook-secret': `${WHSEC}\n`,
  'vracu-dev/payments/chain-wallet-key': WALLET,
  'vracu-dev/payments/empty': '',
};

let server: Server;
let endpoint: string;
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const id = String(body.SecretId);
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' });
        res.end(JSON.stringify(payload));
      };
      if (!(id in SECRETS)) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      reply(200, {
        ARN: id.startsWith('arn:') ? id : `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-XyZ123`,
        Name: id,
        SecretString: SECRETS[id],
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1764672000,
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

const reader = () =>
  secretsManagerReader(new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }));

describe('the Secrets Manager reader', () => {
  it('sends GetSecretValue as documented and returns the SecretString; a second read comes from the cache', async () => {
    const r = reader();
    const id = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vracu-dev/payments/stripe-secret-key-AbCdEf';
    expect(await r.get(id)).toBe(STRIPE_KEY);
    expect(await r.get(id)).toBe(STRIPE_KEY);
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect([req!.method, req!.path]).toEqual(['POST', '/']);
    expect(req!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(req!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(req!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(req!.body).toEqual({ SecretId: id });
  });

  it('a secret that does not exist is an error', async () => {
    await expect(reader().get('vracu-dev/payments/nope')).rejects.toThrow();
  });
});

describe('resolving the payments settings', () => {
  const cloud = {
    VRACU_STRIPE_SECRET_KEY_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vracu-dev/payments/stripe-secret-key-AbCdEf',
    VRACU_STRIPE_WEBHOOK_SECRET_ARN: 'vracu-dev/payments/stripe-webhook-secret',
    VRACU_CHAIN_PRIVATE_KEY_ARN: 'vracu-dev/payments/chain-wallet-key',
    VRACU_CHAIN_RPC_URL: 'https://rpc.example.org/',
    VRACU_CHAIN_ROUTER: `0x${'12'.repeat(20)}`,
    VRACU_PAYMENTS_REQUIRES: 'stripeKey,webhookSecret,chain',
  };

  it('reads each named secret once and gives the values as the settings they stand for', async () => {
    const extra = await resolvePaymentsSecrets(cloud, reader);
    expect(extra).toEqual({ VRACU_STRIPE_SECRET_KEY: STRIPE_KEY, VRACU_STRIPE_WEBHOOK_SECRET: WHSEC, VRACU_CHAIN_PRIVATE_KEY: WALLET });
    expect(seen.map((s) => s.body.SecretId).sort()).toEqual(
      [cloud.VRACU_CHAIN_PRIVATE_KEY_ARN, cloud.VRACU_STRIPE_SECRET_KEY_ARN, cloud.VRACU_STRIPE_WEBHOOK_SECRET_ARN].sort(),
    );
    const cfg = loadPaymentsConfig({ ...cloud, ...extra });
    expect([cfg.stripeSecretKey, cfg.webhookSecret, cfg.chain?.signer]).toEqual([STRIPE_KEY, WHSEC, { kind: 'key', privateKey: WALLET }]);
  });

  it('locally nothing is named: nothing is read, the settings come from config', async () => {
    const local = { VRACU_STRIPE_WEBHOOK_SECRET: 'whsec_local' };
    let made = 0;
    expect(
      await resolvePaymentsSecrets(local, () => {
        made++;
        return reader();
      }),
    ).toEqual({});
    expect([made, seen.length]).toEqual([0, 0]);
  });

  it('a function refuses to start without what it requires, naming the setting', async () => {
    const err = await resolvePaymentsSecrets({ VRACU_PAYMENTS_REQUIRES: 'webhookSecret' }, reader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentsSecretsError);
    expect((err as Error).message).toContain('VRACU_STRIPE_WEBHOOK_SECRET_ARN');
    const chain = await resolvePaymentsSecrets({ VRACU_PAYMENTS_REQUIRES: 'chain', VRACU_CHAIN_RPC_URL: 'https://rpc.example.org/' }, reader).catch(
      (e: unknown) => e,
    );
    expect((chain as Error).message).toMatch(/cannot start without the chain settings/);
    // What it does not require may be absent.
    expect(await resolvePaymentsSecrets({ VRACU_PAYMENTS_REQUIRES: 'stripeKey', VRACU_STRIPE_SECRET_KEY: 'sk_test_x' }, reader)).toEqual({});
  });

  it('a secret that cannot be read, or is empty, stops the start with its name and no value', async () => {
    const missing = await resolvePaymentsSecrets({ VRACU_STRIPE_SECRET_KEY_ARN: 'vracu-dev/payments/nope' }, reader).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PaymentsSecretsError);
    expect((missing as Error).message).toContain('could not read the Stripe secret key from Secrets Manager (vracu-dev/payments/nope)');
    const empty = await resolvePaymentsSecrets({ VRACU_STRIPE_WEBHOOK_SECRET_ARN: 'vracu-dev/payments/empty' }, reader).catch((e: unknown) => e);
    expect((empty as Error).message).toMatch(/the Stripe webhook signing secret .*\(vracu-dev\/payments\/empty\)/);
    const both = await resolvePaymentsSecrets({ ...cloud, VRACU_STRIPE_SECRET_KEY_ARN: 'vracu-dev/payments/nope' }, reader).catch((e: unknown) => e);
    expect((both as Error).message).not.toContain(WHSEC);
  });
});
