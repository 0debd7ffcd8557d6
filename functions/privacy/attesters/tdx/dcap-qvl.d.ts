/** The part of @phala/dcap-qvl we load directly (its index also loads the PCCS fetcher, which we never use). */
declare module '@phala/dcap-qvl/src/verify.js' {
  export interface DcapCollateral {
    pck_crl_issuer_chain: string;
    root_ca_crl: string | Uint8Array;
    pck_crl: string | Uint8Array;
    tcb_info_issuer_chain: string;
    tcb_info: string;
    tcb_info_signature: string | Uint8Array;
    qe_identity_issuer_chain: string;
    qe_identity: string;
    qe_identity_signature: string | Uint8Array;
    pck_certificate_chain?: string;
  }
  export class VerifiedReport {
    status: string;
    advisory_ids: string[];
  }
  export class QuoteVerifier {
    static newWithRootCa(rootCaDer: Buffer): QuoteVerifier;
    verify(rawQuote: Uint8Array, collateral: DcapCollateral, nowSecs: number): VerifiedReport;
  }
}
