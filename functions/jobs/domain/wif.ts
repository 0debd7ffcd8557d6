/**
 * Wallet Import Format for secp256k1 secret keys (base58check of version ‖ key ‖ 0x01 for
 * a compressed public key). Verus and Komodo use version 0xBC.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const WIF_VERSION = 0xbc;
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

const checksum = (b: Uint8Array): Uint8Array => sha256(sha256(b)).slice(0, 4);

export function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

export function base58Decode(s: string): Uint8Array {
  let n = 0n;
  for (const ch of s) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error(`invalid base58 character "${ch}"`);
    n = n * 58n + BigInt(i);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const ch of s) {
    if (ch !== '1') break;
    bytes.unshift(0);
  }
  return new Uint8Array(bytes);
}

export function encodeWif(secretKey: Uint8Array, version = WIF_VERSION): string {
  if (secretKey.length !== 32) throw new Error('a secp256k1 secret key is 32 bytes');
  const payload = new Uint8Array([version, ...secretKey, 0x01]);
  return base58Encode(new Uint8Array([...payload, ...checksum(payload)]));
}

export function decodeWif(wif: string): { secretKey: Uint8Array; version: number; compressed: boolean } {
  const raw = base58Decode(wif);
  if (raw.length !== 37 && raw.length !== 38) throw new Error('a WIF key decodes to 37 or 38 bytes');
  const payload = raw.slice(0, -4);
  const sum = raw.slice(-4);
  if (!checksum(payload).every((b, i) => b === sum[i])) throw new Error('WIF checksum mismatch');
  const compressed = payload.length === 34 && payload[33] === 0x01;
  return { version: payload[0]!, secretKey: payload.slice(1, 33), compressed };
}
