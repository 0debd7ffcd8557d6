/**
 * The chain wallet's signer in the cloud: an ethers Signer whose key never leaves AWS KMS (an
 * asymmetric key of spec ECC_SECG_P256K1). Ethereum signs the Keccak-256 of a transaction or
 * message, so each is signed with MessageType DIGEST over the hash ethers computes; KMS answers
 * a DER signature whose s may be high, which is folded to low-s (EIP-2), and the recovery bit
 * Ethereum needs, which KMS does not give, is found by recovering both candidates against the
 * key's address. The address is the Keccak-256 of the public key from GetPublicKey.
 */
import {
  AbstractSigner,
  Signature,
  Transaction,
  TypedDataEncoder,
  computeAddress,
  copyRequest,
  getAddress,
  getBytes,
  hashMessage,
  hexlify,
  recoverAddress,
  resolveAddress,
  type Provider,
  type TransactionLike,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import { KmsSigningKey, type KmsSend } from '../../platform/crypto/kms-key.ts';
import { derToCompactLowS, spkiToPoint } from '../../platform/crypto/secp256k1-der.ts';

export class KmsChainSigner extends AbstractSigner {
  private address: Promise<string> | undefined;

  constructor(
    private readonly key: KmsSigningKey,
    provider: Provider | null = null,
  ) {
    super(provider);
  }

  static of(kms: KmsSend, keyId: string, provider: Provider | null = null): KmsChainSigner {
    return new KmsChainSigner(new KmsSigningKey(kms, keyId, 'ECC_SECG_P256K1', 'the chain wallet'), provider);
  }

  get keyId(): string {
    return this.key.keyId;
  }

  connect(provider: Provider | null): KmsChainSigner {
    return new KmsChainSigner(this.key, provider);
  }

  getAddress(): Promise<string> {
    this.address ??= this.key.publicKey().then((spki) => computeAddress(hexlify(spkiToPoint(spki))));
    this.address.catch(() => (this.address = undefined));
    return this.address;
  }

  /** A 65-byte Ethereum signature of `digest` (0x + 64 hex) that recovers to this key's address. */
  async signDigest(digest: string): Promise<Signature> {
    const compact = derToCompactLowS(await this.key.sign(getBytes(digest), 'DIGEST'));
    const address = await this.getAddress();
    const r = hexlify(compact.subarray(0, 32));
    const s = hexlify(compact.subarray(32));
    for (const yParity of [0, 1] as const) {
      const sig = Signature.from({ r, s, yParity });
      if (recoverAddress(digest, sig) === address) return sig;
    }
    // Only a key other than the one GetPublicKey described can get here.
    throw new Error(`the signature of KMS key ${this.key.keyId} does not recover to its address ${address}`);
  }

  async signTransaction(tx: TransactionRequest): Promise<string> {
    const address = await this.getAddress();
    const [to, from] = await Promise.all([
      tx.to != null ? resolveAddress(tx.to, this.provider) : undefined,
      tx.from != null ? resolveAddress(tx.from, this.provider) : undefined,
    ]);
    if (from !== undefined && getAddress(from) !== address) throw new Error(`the transaction is from ${from}, this signer is ${address}`);
    // A plain copy: sendTransaction hands over a Transaction, whose fields are getters a spread would lose.
    const { from: _from, ...fields } = copyRequest(tx);
    const unsigned = Transaction.from({ ...fields, ...(to !== undefined ? { to } : {}) } as TransactionLike<string>);
    unsigned.signature = await this.signDigest(unsigned.unsignedHash);
    return unsigned.serialized;
  }

  async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.signDigest(hashMessage(message))).serialized;
  }

  async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    const named = await TypedDataEncoder.resolveNames(domain, types, value, async (name) => resolveAddress(name, this.provider));
    return (await this.signDigest(TypedDataEncoder.hash(named.domain, types, named.value))).serialized;
  }
}
