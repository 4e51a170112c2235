/**
 * The stand-in's TLS certificate, made fresh for each run with `node:crypto` (no openssl, no key anyone else
 * holds), and the pin that makes Chromium accept exactly that key: `--ignore-certificate-errors-spki-list`
 * takes base64 SHA-256 hashes of SubjectPublicKeyInfo, so every other certificate (the target's) is still
 * verified as usual.
 *
 * node:crypto makes keys and signatures but not certificates, so the certificate's DER (RFC 5280
 * https://www.rfc-editor.org/rfc/rfc5280#section-4.1) is written here: a self-signed v3 certificate over an
 * EC P-256 key, signed with ECDSA-SHA256, with a subjectAltName for the names and addresses asked for.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** A PEM certificate, its PEM private key and the base64 SHA-256 of its SubjectPublicKeyInfo. */
export interface StandInCertificate {
  cert: string;
  key: string;
  spki: string;
}

/** Options of {@link createSelfSignedCertificate}. */
export interface CertificateOptions {
  /** Subject and issuer common name; default `corsight stand-in`. */
  commonName?: string;
  /** subjectAltName entries: DNS names (`*.` allowed) and IPv4/IPv6 addresses. */
  altNames?: readonly string[];
  /** Days from now the certificate stays valid; default 2. */
  days?: number;
}

/** The base64 SHA-256 of a certificate's SubjectPublicKeyInfo: Chromium's SPKI pin format. */
export function spkiHash(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** `--ignore-certificate-errors-spki-list`: certificate errors are ignored for these keys only. */
export function spkiPinSwitch(pins: readonly string[]): string {
  return `--ignore-certificate-errors-spki-list=${pins.join(',')}`;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...content: Buffer[]) => der(0x30, ...content);

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128: number[] = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n % 128));
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** RFC 5280's Time: UTCTime through 2049, GeneralizedTime after. */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : der(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

function name(commonName: string): Buffer {
  return sequence(der(0x31, sequence(objectIdentifier('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':'));
  const start = groups(head);
  const end = groups(tail);
  const words = [...start, ...Array<string>(8 - start.length - end.length).fill('0'), ...end];
  return Buffer.from(words.flatMap((word) => [parseInt(word, 16) >> 8, parseInt(word, 16) & 0xff]));
}

/** GeneralName: dNSName [2] or iPAddress [7], both implicitly tagged. */
function generalName(entry: string): Buffer {
  const address = entry.replace(/^\[|\]$/g, '');
  const family = isIP(address);
  if (family === 4) return der(0x87, Buffer.from(address.split('.').map(Number)));
  if (family === 6 && !address.includes('.')) return der(0x87, ipv6Bytes(address));
  if (!/^[\x21-\x7e]+$/.test(entry)) throw new Error(`'${entry}' cannot be a certificate's DNS name`);
  return der(0x82, Buffer.from(entry, 'ascii'));
}

/** Makes a self-signed EC P-256 certificate (see the module comment). */
export function createSelfSignedCertificate(options: CertificateOptions = {}): StandInCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
  const subject = name(options.commonName ?? 'corsight stand-in');
  // A positive serial of 16 random bytes whose first byte is neither 0 nor above 0x7f: minimal DER, no sign byte.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const now = Date.now();
  const extensions: Buffer[] = [
    // basicConstraints, critical: not a CA.
    sequence(objectIdentifier('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, sequence())),
  ];
  const altNames = options.altNames ?? [];
  if (altNames.length > 0) {
    extensions.push(sequence(objectIdentifier('2.5.29.17'), der(0x04, sequence(...altNames.map(generalName)))));
  }
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    ecdsaWithSha256,
    subject,
    sequence(time(new Date(now - 60 * 60 * 1000)), time(new Date(now + (options.days ?? 2) * 24 * 60 * 60 * 1000))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
  const cert = `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert, key, spki: spkiHash(cert) };
}
