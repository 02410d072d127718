/** Contract-shaped test data shared by the page tests and the page pictures. */
import type { CertificateVersionView } from '../../../typings/api';

export const DAY_MS = 86_400_000;

/** An issued ECDSA P-256 version valid from `now - 30 days` to `now + 60 days`; override what a test needs. */
export function versionView(now: number, overrides: Partial<CertificateVersionView> = {}): CertificateVersionView {
  return {
    id: 'ver-2',
    serialNumber: '04a1b2c3d4e5f6',
    notBefore: now - 30 * DAY_MS,
    notAfter: now + 60 * DAY_MS,
    issuer: "C=US, O=Let's Encrypt, CN=E6",
    issuerCommonName: 'E6',
    dnsNames: ['example.com', 'www.example.com'],
    keyAlgorithm: 'ECDSA',
    keyBits: 256,
    curve: 'P-256',
    signatureAlgorithm: 'ecdsa-with-SHA384',
    sha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    spkiSha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    chainLength: 2,
    chainOrdered: true,
    revokedAt: null,
    revocationReason: null,
    hasPrivateKey: true,
    issuedAt: now - 30 * DAY_MS,
    ...overrides,
  };
}
