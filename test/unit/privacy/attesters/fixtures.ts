/** The public vectors (test/fixtures/attestation/, each with its SOURCE.md) and small helpers to damage them. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '../../../../functions/platform/clock.ts';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/attestation');
export const fixturePath = (...p: string[]): string => join(FIXTURES, ...p);
export const fixture = (...p: string[]): Uint8Array => new Uint8Array(readFileSync(fixturePath(...p)));
export const fixtureText = (...p: string[]): string => readFileSync(fixturePath(...p), 'utf8');
export const hexFixture = (...p: string[]): Uint8Array => new Uint8Array(Buffer.from(fixtureText(...p).trim(), 'hex'));

/** A copy with byte `at` XORed with `mask`. */
export function flip(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[at]! ^= mask;
  return out;
}

export const at = (iso: string): Clock => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad time ${iso}`);
  return { nowMs: () => ms };
};

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** PEM blocks of a bundle, as text. */
export const pemBlocks = (text: string): string[] => text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];

/** A PEM certificate with one byte of its DER flipped. */
export function flipPem(pem: string, at: number, mask = 0x01): Uint8Array {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return flip(new Uint8Array(der), at, mask);
}
