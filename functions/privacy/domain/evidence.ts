/**
 * Evidence as the sidecar sends it in a handshake, one member per attester (bytes in base64;
 * certificates as PEM text or base64 DER). The drivers turn each into what its verifier takes.
 */
import type { DevelopmentEvidence } from './development.ts';

export interface WireEvidence {
  snp?: { report: string; certificates?: string[] | undefined; crl?: string | undefined };
  tdx?: { quote: string; collateral?: Record<string, unknown> | undefined };
  nvidia?: { report: string; certificates: string[]; ccMode?: 'on' | 'off' | 'devtools' | undefined; rims?: { label: string; xml: string }[] | undefined };
  development?: DevelopmentEvidence;
}

export type AttesterKey = keyof WireEvidence;
