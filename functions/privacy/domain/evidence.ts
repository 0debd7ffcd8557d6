/**
 * Evidence as the sidecar sends it in a handshake, one member per attester (bytes in base64;
 * certificates as PEM text or base64 DER). The drivers turn each into what its verifier takes.
 */
import * as z from 'zod';
import type { DevelopmentEvidence } from './development.ts';

export interface WireEvidence {
  snp?: { report: string; certificates?: string[] | undefined; crl?: string | undefined };
  tdx?: { quote: string; collateral?: Record<string, unknown> | undefined };
  nvidia?: { report: string; certificates: string[]; ccMode?: 'on' | 'off' | 'devtools' | undefined; rims?: { label: string; xml: string }[] | undefined };
  development?: DevelopmentEvidence;
}

export type AttesterKey = keyof WireEvidence;

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
  .max(1_000_000);
const certificate = z.string().min(1).max(100_000);

/** Evidence per attester, as the wire carries it (also a provider's proof of its hardware, functions/providers). */
export const EvidenceIn = z
  .strictObject({
    snp: z.strictObject({ report: b64, certificates: z.array(certificate).max(8).optional(), crl: certificate.optional() }).optional(),
    tdx: z.strictObject({ quote: b64, collateral: z.record(z.string(), z.unknown()).optional() }).optional(),
    nvidia: z
      .strictObject({
        report: b64,
        certificates: z.array(certificate).min(1).max(8),
        ccMode: z.enum(['on', 'off', 'devtools']).optional(),
        rims: z
          .array(z.strictObject({ label: z.string().max(256), xml: z.string().max(2_000_000) }))
          .max(4)
          .optional(),
      })
      .optional(),
    development: z.strictObject({ reportData: z.string().regex(/^[0-9a-f]{128}$/, 'must be 64 bytes of lower-case hex') }).optional(),
  })
  .refine((e) => Object.keys(e).length > 0, 'give evidence for at least one attester');
