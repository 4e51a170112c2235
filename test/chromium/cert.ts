/**
 * The TLS certificate of the https listener: made fresh for each run by src/chromium (the stand-in's
 * generator), with SANs for the test hostnames. Chromium is told to accept it (`ignoreHTTPSErrors`), because a
 * self-signed target otherwise fails with net::ERR_CERT_AUTHORITY_INVALID before any CORS step
 * (fetch-cors.md, "Topology").
 */
import { createSelfSignedCertificate } from '../../src/chromium/index.js';

/** A PEM key + certificate pair and where it came from. */
export interface TestCert {
  key: string;
  cert: string;
  source: 'generated';
}

/** Makes the test certificate. */
export function testCertificate(): TestCert {
  const { key, cert } = createSelfSignedCertificate({
    commonName: 'corsight differential test',
    altNames: ['page.test', 'api.test', 'other.test', 'localhost', '127.0.0.1'],
  });
  return { key, cert, source: 'generated' };
}
