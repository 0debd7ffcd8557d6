/** A vendor certificate compiled into the code, with the SHA-256 of its DER to check it by. */
export interface PinnedCert {
  /** The subject's CN, for messages. */
  name: string;
  pem: string;
  /** Lowercase hex SHA-256 of the DER. */
  sha256: string;
}
