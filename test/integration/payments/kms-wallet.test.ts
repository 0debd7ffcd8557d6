/**
 * The chain wallet signing with a KMS key (spec ECC_SECG_P256K1) instead of a key it holds:
 * the real KMS SDK against the loopback KMS-compatible service (local/kms/loopback.ts, real
 * secp256k1 signatures, high or low s as KMS gives them), transactions mined by anvil from the
 * key's address, and the payments context composed from VRACU_CHAIN_KMS_KEY_ID converting,
 * paying out and reconciling with no difference.
 */
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  Contract,
  Transaction,
  Wallet,
  computeAddress,
  hexlify,
  parseEther,
  verifyMessage,
  verifyTypedData,
  type InterfaceAbi,
  type JsonRpcProvider,
} from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConversionRouterArtifact, MockAVLArtifact } from '../../../contracts/artifacts.ts';
import { EnvironmentError } from '../../../functions/definitions/environment.ts';
import { checkRuntimeLedger } from '../../../functions/ledger/index.ts';
import { payoutRequestRoute, reconcileRoute } from '../../../functions/payments/api.ts';
import { loadPaymentsConfig } from '../../../functions/payments/config.ts';
import { chainProvider } from '../../../functions/payments/drivers/chain-wallet.ts';
import { KmsChainSigner } from '../../../functions/payments/drivers/kms-chain-signer.ts';
import { paymentOf } from '../../../functions/payments/store/reads.ts';
import { spkiToPoint } from '../../../functions/platform/crypto/secp256k1-der.ts';
import { devKey, localProvider, LOCAL_CHAIN_ID, startChain, type LocalChain } from '../../../local/chain.ts';
import { startLoopbackKms, type LoopbackKms } from '../../../local/kms/loopback.ts';
import { call, drain, fundProvider, paidCheckout, paymentsEnv, PAYOUT_CONSUMER, principal } from './support.ts';

const BUYER = principal('prn_kms1');
const PROVIDER = principal('prov_kms', 'provider');
const OPERATOR = principal('op_kms', 'operator');
const TO = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
/** A fixed master secret: the loopback's keys, and so every signature below (RFC 6979), are the same each run. */
const KMS_SECRET = new Uint8Array(32).fill(7);

let chain: LocalChain;
let provider: JsonRpcProvider;
let kms: LoopbackKms;
let client: KMSClient;
let keyId = '';
let signer: KmsChainSigner;
let snapshot = '';

const newKey = async (KeySpec: 'ECC_SECG_P256K1' | 'ECC_NIST_P256') =>
  (await client.send(new CreateKeyCommand({ KeySpec, KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
const signRequests = () => kms.requests.filter((r) => r.target === 'TrentService.Sign');

beforeAll(async () => {
  [chain, kms] = await Promise.all([startChain(), startLoopbackKms({ secret: KMS_SECRET })]);
  provider = localProvider(chain.rpcUrl);
  client = new KMSClient({ region: 'us-east-1', endpoint: kms.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  keyId = await newKey('ECC_SECG_P256K1');
  signer = KmsChainSigner.of(client, keyId, chainProvider(chain.rpcUrl, { chainId: LOCAL_CHAIN_ID, pollingIntervalMs: 50 }));
  // The KMS address becomes the exchange's wallet: gas, the router's OPERATOR_ROLE and AVL to convert.
  const address = await signer.getAddress();
  const admin = new Wallet(devKey(0), provider);
  const router = new Contract(chain.addresses.router, ConversionRouterArtifact.abi as InterfaceAbi, admin);
  await provider.send('anvil_setBalance', [address, '0x56BC75E2D63100000']);
  await (await router.getFunction('grantRole')(await router.getFunction('OPERATOR_ROLE')(), address)).wait();
  const avl = new Contract(chain.addresses.avl, MockAVLArtifact.abi as InterfaceAbi, admin);
  await (await avl.getFunction('mint')(address, parseEther('1000'))).wait();
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});
afterAll(async () => {
  signer?.provider?.destroy();
  provider?.destroy();
  client?.destroy();
  await Promise.all([chain?.stop(), kms?.close()]);
});
beforeEach(async () => {
  await provider.send('evm_revert', [snapshot]);
  snapshot = (await provider.send('evm_snapshot', [])) as string;
});

describe('the KMS chain signer', () => {
  it('takes its address from GetPublicKey and signs Keccak digests with MessageType DIGEST and ECDSA_SHA_256', async () => {
    const pub = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    expect(await signer.getAddress()).toBe(computeAddress(hexlify(spkiToPoint(pub.PublicKey!))));
    const before = signRequests().length;
    const sig = await signer.signMessage('vracu wallet check');
    expect(verifyMessage('vracu wallet check', sig)).toBe(await signer.getAddress());
    const [req] = signRequests().slice(before);
    expect(req!.body).toEqual({ KeyId: keyId, Message: expect.any(String), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Buffer.from(req!.body.Message as string, 'base64')).toHaveLength(32);
    // The public key is read once per signer, not once per signature.
    await signer.signMessage('again');
    expect(kms.requests.filter((r) => r.target === 'TrentService.GetPublicKey' && r.body.KeyId === keyId)).toHaveLength(2); // ours above, and the signer's one
  });

  it('every signature recovers to the address: low-s whatever KMS answered, with the recovery bit found for both parities', async () => {
    const address = await signer.getAddress();
    const parities = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const text = `message ${i}`;
      const sig = await signer.signMessage(text);
      expect(verifyMessage(text, sig)).toBe(address);
      const s = BigInt(`0x${sig.slice(66, 130)}`);
      expect(s <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n).toBe(true);
      parities.add(Number.parseInt(sig.slice(130), 16) - 27);
    }
    expect([...parities].sort()).toEqual([0, 1]);
    const domain = { name: 'vracu', version: '1', chainId: LOCAL_CHAIN_ID, verifyingContract: chain.addresses.router };
    const types = {
      Payout: [
        { name: 'to', type: 'address' },
        { name: 'amount', type: 'uint256' },
      ],
    };
    const value = { to: TO, amount: 5n };
    expect(verifyTypedData(domain, types, value, await signer.signTypedData(domain, types, value))).toBe(address);
  });

  it('a legacy and an EIP-1559 transaction it signs are mined from its address', async () => {
    const address = await signer.getAddress();
    for (const type of [0, 2]) {
      const tx = await signer.sendTransaction({ to: TO, value: 1000n, type });
      const receipt = await tx.wait();
      expect(receipt?.status).toBe(1);
      expect(receipt?.from).toBe(address);
      // The raw bytes the chain holds: the signature in them recovers to the KMS address.
      const raw = Transaction.from((await provider.send('eth_getRawTransactionByHash', [tx.hash])) as string);
      expect(raw.from).toBe(address);
      expect(raw.type).toBe(type);
    }
  });

  it('refuses a key of another spec, an unknown key and a transaction from someone else', async () => {
    const p256 = KmsChainSigner.of(client, await newKey('ECC_NIST_P256'));
    await expect(p256.getAddress()).rejects.toThrow(/spec ECC_NIST_P256, the chain wallet needs ECC_SECG_P256K1/);
    await expect(KmsChainSigner.of(client, 'arn:aws:kms:us-east-1:000000000000:key/none').getAddress()).rejects.toThrow(/no signing key/);
    await expect(signer.signTransaction({ to: TO, from: TO, value: 1n, chainId: LOCAL_CHAIN_ID, nonce: 0, gasLimit: 21_000n, gasPrice: 1n })).rejects.toThrow(
      /the transaction is from/,
    );
  });

  it('the configuration takes a KMS key id or a private key, not both', () => {
    const base = { VRACU_CHAIN_RPC_URL: chain.rpcUrl, VRACU_CHAIN_ROUTER: chain.addresses.router };
    expect(loadPaymentsConfig({ ...base, VRACU_CHAIN_KMS_KEY_ID: keyId, VRACU_KMS_ENDPOINT: kms.url }).chain?.signer).toEqual({
      kind: 'kms',
      keyId,
      endpoint: kms.url,
    });
    expect(() => loadPaymentsConfig({ ...base, VRACU_CHAIN_KMS_KEY_ID: keyId, VRACU_CHAIN_PRIVATE_KEY: chain.walletKey })).toThrow(EnvironmentError);
  });
});

describe('the payments context with a KMS-signed wallet', () => {
  it('converts a credit and pays a provider out from the KMS address, and reconciles with no difference', async () => {
    const env = await paymentsEnv({
      env: {
        VRACU_CHAIN_RPC_URL: chain.rpcUrl,
        VRACU_CHAIN_ROUTER: chain.addresses.router,
        VRACU_CHAIN_KMS_KEY_ID: keyId,
        VRACU_KMS_ENDPOINT: kms.url,
        VRACU_PAYOUT_RAILS: 'chain',
      },
    });
    const address = await signer.getAddress();
    const pay = await paidCheckout(env, BUYER, 1200, 'evt_kms1');
    const p = (await paymentOf(env.deps.store, pay))!;
    expect(p.status).toBe('MINTED');
    const conversion = await provider.getTransactionReceipt(p.conversionTx!);
    expect(conversion?.status).toBe(1);
    expect(conversion?.from).toBe(address);

    await fundProvider(env, PROVIDER.id, 4_000_000n);
    expect((await call(env, payoutRequestRoute, PROVIDER, { body: { amount: '4', rail: 'chain', destination: TO } })).status).toBe(202);
    await drain(env, 'payouts', PAYOUT_CONSUMER);

    const rec = await call(env, reconcileRoute, OPERATOR);
    expect(rec.body).toMatchObject({ chain: true, ok: true, differences: [] });
    expect(rec.body.mintParity).toMatchObject({ ledgerMicroAcu: '12000000', chainMicroAcu: '12000000', ok: true });
    expect(rec.body.payoutParity).toMatchObject({ ledgerMicroAcu: '4000000', chainMicroAcu: '4000000', ok: true });
    expect((await checkRuntimeLedger(env.rt)).ok).toBe(true);
  });
});
