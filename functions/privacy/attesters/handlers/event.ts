/** The verification event of the Lambda-shaped entries: evidence bytes as base64, the challenge as hex. */
import * as z from 'zod';

const b64 = z.string().transform((s) => new Uint8Array(Buffer.from(s, 'base64')));
const policy = z.record(z.string(), z.unknown()).optional();
export const challengeHex = z.string().regex(/^([0-9a-fA-F]{2})+$/);

export const snpEvidenceEvent = z.object({ kind: z.literal('snp'), report: b64, certificates: z.array(b64).default([]), crl: b64.optional() });
export const tdxEvidenceEvent = z.object({ kind: z.literal('tdx'), quote: b64, collateral: z.record(z.string(), z.string()).optional() });
export const nvidiaEvidenceEvent = z.object({
  kind: z.literal('nvidia'),
  report: b64,
  certificates: z.array(b64),
  ccMode: z.enum(['on', 'off', 'devtools']).optional(),
  rims: z.array(z.object({ label: z.string(), xml: z.string() })).default([]),
});

export const eventOf = <E extends z.ZodTypeAny>(evidence: E) => z.object({ challengeHex, policy: policy, evidence });

export const issues = (e: z.ZodError): string => `event: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
export const hexBytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
