/** The pinned vendor roots: each PEM constant matches its fingerprint and the vendor's file in the fixtures. */
import { X509Certificate, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AMD_ROOTS } from '../../../../functions/privacy/attesters/roots/amd.ts';
import { INTEL_SGX_ROOT_CA } from '../../../../functions/privacy/attesters/roots/intel.ts';
import { NVIDIA_DEVICE_ROOT, NVIDIA_RIM_ROOT } from '../../../../functions/privacy/attesters/roots/nvidia.ts';
import type { PinnedCert } from '../../../../functions/privacy/attesters/roots/pinned.ts';
import { PinnedRootError, anchor } from '../../../../functions/privacy/attesters/x509/certs.ts';
import { fixtureText, pemBlocks } from './fixtures.ts';

const sha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const GO = 'sev-snp/go-sev-guest';

/** [name, pinned, the vendor file's PEM, expected SHA-256 written out here a second time]. */
const rows: [string, PinnedCert, string, string][] = [
  ['ARK-Milan', AMD_ROOTS.Milan.ark, pemBlocks(fixtureText(GO, 'ask_ark_milan.pem'))[1]!, '69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd'],
  ['ASK Milan', AMD_ROOTS.Milan.ask, pemBlocks(fixtureText(GO, 'ask_ark_milan.pem'))[0]!, '67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b'],
  [
    'ASVK Milan',
    AMD_ROOTS.Milan.asvk,
    pemBlocks(fixtureText(GO, 'ask_ark_milan_vlek.pem'))[0]!,
    'c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5',
  ],
  ['ARK-Genoa', AMD_ROOTS.Genoa.ark, pemBlocks(fixtureText(GO, 'ask_ark_genoa.pem'))[1]!, '4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1'],
  ['ASK Genoa', AMD_ROOTS.Genoa.ask, pemBlocks(fixtureText(GO, 'ask_ark_genoa.pem'))[0]!, '5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521'],
  [
    'ASVK Genoa',
    AMD_ROOTS.Genoa.asvk,
    pemBlocks(fixtureText(GO, 'ask_ark_genoa_vlek.pem'))[0]!,
    '197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372',
  ],
  [
    'ARK-Turin',
    AMD_ROOTS.Turin.ark,
    pemBlocks(fixtureText(GO, 'ask_ark_turin_vcek.pem'))[1]!,
    '1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a',
  ],
  [
    'ASK Turin',
    AMD_ROOTS.Turin.ask,
    pemBlocks(fixtureText(GO, 'ask_ark_turin_vcek.pem'))[0]!,
    '5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185',
  ],
  [
    'ASVK Turin',
    AMD_ROOTS.Turin.asvk,
    pemBlocks(fixtureText(GO, 'ask_ark_turin_vlek.pem'))[0]!,
    '104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c',
  ],
  [
    'Intel SGX Root CA',
    INTEL_SGX_ROOT_CA,
    fixtureText('tdx/go-tdx-guest/trusted_root.pem'),
    '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3',
  ],
  [
    'NVIDIA Device Identity CA',
    NVIDIA_DEVICE_ROOT,
    fixtureText('nvidia/nvtrust/verifier_device_root.pem'),
    '102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48',
  ],
  [
    'NVIDIA CoRIM signing Root CA',
    NVIDIA_RIM_ROOT,
    fixtureText('nvidia/nvtrust/verifier_RIM_root.pem'),
    '12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1',
  ],
];

describe('pinned roots', () => {
  it.each(rows)('%s: constant, fingerprint and vendor file agree', (_name, pinned, vendorPem, expected) => {
    expect(pinned.sha256).toBe(expected);
    expect(sha256(pinned.pem)).toBe(expected);
    expect(sha256(vendorPem)).toBe(expected);
    expect(() => anchor(pinned)).not.toThrow();
  });

  it.each([
    ['ARK-Milan', AMD_ROOTS.Milan.ark],
    ['ARK-Genoa', AMD_ROOTS.Genoa.ark],
    ['ARK-Turin', AMD_ROOTS.Turin.ark],
    ['Intel', INTEL_SGX_ROOT_CA],
    ['NVIDIA device', NVIDIA_DEVICE_ROOT],
    ['NVIDIA RIM', NVIDIA_RIM_ROOT],
  ] as const)('%s is self-signed and a CA', (_n, p) => {
    const c = new X509Certificate(p.pem);
    expect(c.ca).toBe(true);
    expect(c.checkIssued(c) && c.verify(c.publicKey)).toBe(true);
  });

  it('the ASK and ASVK of each product are signed by that product’s ARK only', () => {
    for (const [p, r] of Object.entries(AMD_ROOTS)) {
      for (const [q, other] of Object.entries(AMD_ROOTS)) {
        const ark = new X509Certificate(other.ark.pem);
        expect(new X509Certificate(r.ask.pem).verify(ark.publicKey)).toBe(p === q);
        expect(new X509Certificate(r.asvk.pem).verify(ark.publicKey)).toBe(p === q);
      }
    }
  });

  it('an edited constant is refused when loaded', () => {
    expect(() => anchor({ ...NVIDIA_RIM_ROOT, sha256: '00'.repeat(32) })).toThrow(PinnedRootError);
  });
});
