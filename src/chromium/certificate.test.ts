import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, spkiHash, spkiPinSwitch } from './certificate.js';

describe('createSelfSignedCertificate', () => {
  it('is a self-signed v3 certificate with the names asked for, valid now and for `days`', () => {
    const made = createSelfSignedCertificate({ altNames: ['app.test', '*.x.test', '127.0.0.1', '::1'], days: 3 });
    const x = new X509Certificate(made.cert);
    expect(x.subject).toBe('CN=corsight stand-in');
    expect(x.issuer).toBe(x.subject);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.ca).toBe(false);
    expect(x.subjectAltName).toBe('DNS:app.test, DNS:*.x.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.checkHost('a.x.test')).toBe('*.x.test');
    expect(x.checkHost('other.test')).toBeUndefined();
    expect(x.checkIP('::1')).toBe('::1');
    const from = Date.parse(x.validFrom);
    const to = Date.parse(x.validTo);
    expect(from).toBeLessThan(Date.now());
    expect(to - Date.now()).toBeGreaterThan(3 * 24 * 3600 * 1000 - 60_000);
    expect(to - Date.now()).toBeLessThan(3 * 24 * 3600 * 1000 + 60_000);
    expect(x.checkPrivateKey(createPrivateKey(made.key))).toBe(true);
  });

  it('a new key every time, and its pin is the SHA-256 of its SubjectPublicKeyInfo', () => {
    const a = createSelfSignedCertificate();
    const b = createSelfSignedCertificate({ commonName: 'other' });
    expect(a.spki).not.toBe(b.spki);
    expect(a.spki).toBe(spkiHash(a.cert));
    expect(Buffer.from(a.spki, 'base64')).toHaveLength(32);
    expect(new X509Certificate(b.cert).subject).toBe('CN=other');
    expect(spkiPinSwitch([a.spki, b.spki])).toBe(`--ignore-certificate-errors-spki-list=${a.spki},${b.spki}`);
  });

  it('serves TLS: a client that trusts it as its CA completes the handshake for a listed name', async () => {
    const made = createSelfSignedCertificate({ altNames: ['stand-in.test'] });
    const server = createServer({ cert: made.cert, key: made.key }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect({ host: '127.0.0.1', port, servername: 'stand-in.test', ca: made.cert });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      socket.destroy();
    } finally {
      server.close();
    }
  });

  it('refuses a name that cannot be a DNS name', () => {
    expect(() => createSelfSignedCertificate({ altNames: ['a b.test'] })).toThrow(/cannot be a certificate's DNS name/);
  });
});
