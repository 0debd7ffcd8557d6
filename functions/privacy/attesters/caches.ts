/** Every in-process cache of the verifiers, cleared together (the bench's uncached runs; tests that need a cold start). */
import { clearCertificateCaches } from './x509/certs.ts';
import { clearCrlCache } from './x509/crl.ts';
import { clearDcapCache } from './tdx/dcap.ts';
import { clearRimCache } from './nvidia/rim.ts';

export function clearVerifierCaches(): void {
  clearCertificateCaches();
  clearCrlCache();
  clearDcapCache();
  clearRimCache();
}
