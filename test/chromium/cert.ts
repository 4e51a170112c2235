/**
 * The TLS certificate of the https listener. Generated fresh with `openssl` when it is on the PATH (SANs for
 * the test hostnames); otherwise the committed test-only pair in ./fixtures is used. Either way Chromium is
 * told to accept it (`ignoreHTTPSErrors`), because a self-signed target otherwise fails with
 * net::ERR_CERT_AUTHORITY_INVALID before any CORS step (fetch-cors.md, "Topology").
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A PEM key + certificate pair and where it came from. */
export interface TestCert {
  key: string;
  cert: string;
  source: 'openssl' | 'fixture';
}

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Makes (or loads) the test certificate. Never throws for a missing openssl. */
export function testCertificate(): TestCert {
  const dir = mkdtempSync(path.join(tmpdir(), 'corsight-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-subj',
        '/CN=corsight differential test',
        '-addext',
        'subjectAltName=DNS:page.test,DNS:api.test,DNS:other.test,DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore', timeout: 20_000 },
    );
    return {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
      source: 'openssl',
    };
  } catch {
    return {
      key: readFileSync(path.join(fixtures, 'test-key.pem'), 'utf8'),
      cert: readFileSync(path.join(fixtures, 'test-cert.pem'), 'utf8'),
      source: 'fixture',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
