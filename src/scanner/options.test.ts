import { describe, expect, it } from 'vitest';
import { ScanOptionError } from './errors.js';
import { parseHeader, parseResolve, parseTrustedOrigin, resolveScanOptions, selectedChecks } from './options.js';
import { findResolveRule } from './transport.js';
import { preflightCheck, reflectionCheck } from './__fixtures__/servers.js';

describe('parseResolve (curl --resolve)', () => {
  it.each([
    ['lab.test:127.0.0.1', { host: 'lab.test', port: undefined, address: '127.0.0.1', family: 4 }],
    ['LAB.test:10.0.0.2', { host: 'lab.test', port: undefined, address: '10.0.0.2', family: 4 }],
    ['lab.test:8443:127.0.0.1', { host: 'lab.test', port: 8443, address: '127.0.0.1', family: 4 }],
    ['lab.test:[::1]', { host: 'lab.test', port: undefined, address: '::1', family: 6 }],
    ['lab.test:::1', { host: 'lab.test', port: undefined, address: '::1', family: 6 }],
    ['lab.test:443:[2001:db8::1]', { host: 'lab.test', port: 443, address: '2001:db8::1', family: 6 }],
    ['*.lab.test:127.0.0.1', { host: '*.lab.test', port: undefined, address: '127.0.0.1', family: 4 }],
  ])('%s', (entry, rule) => {
    expect(parseResolve(entry)).toEqual(rule);
  });

  it.each([
    ['lab.test', /no HOST: before the address/],
    [':127.0.0.1', /no HOST: before the address/],
    ['lab.test:localhost', /'localhost' is not an IPv4 or IPv6 address/],
    ['lab.test:99999:127.0.0.1', /port 99999 is out of range/],
    ['lab test:127.0.0.1', /'lab test' is not a host name/],
    ['https://lab.test:127.0.0.1', /'https' is not|is not an IPv4/],
  ])('rejects %s', (entry, message) => {
    expect(() => parseResolve(entry)).toThrow(ScanOptionError);
    expect(() => parseResolve(entry)).toThrow(message);
  });

  it('matches exact host before wildcard, port-specific before any port, longest wildcard first', () => {
    const rules = [
      '*.lab.test:10.0.0.1',
      '*.api.lab.test:10.0.0.2',
      'www.lab.test:10.0.0.3',
      'www.lab.test:8443:10.0.0.4',
    ].map(parseResolve);
    expect(findResolveRule(rules, 'www.lab.test', 443)?.address).toBe('10.0.0.3');
    expect(findResolveRule(rules, 'WWW.lab.test.', 8443)?.address).toBe('10.0.0.4');
    expect(findResolveRule(rules, 'x.api.lab.test', 443)?.address).toBe('10.0.0.2');
    expect(findResolveRule(rules, 'app.lab.test', 443)?.address).toBe('10.0.0.1');
    expect(findResolveRule(rules, 'lab.test', 443)).toBeUndefined();
    expect(findResolveRule(rules, 'evillab.test', 443)).toBeUndefined();
  });
});

describe('parseHeader', () => {
  it('splits at the first colon and trims', () => {
    expect(parseHeader('Authorization:  Bearer a:b ')).toEqual(['Authorization', 'Bearer a:b']);
    expect(parseHeader('X-Empty:')).toEqual(['X-Empty', '']);
  });
  it.each([
    ['no colon', /expected 'Name: value'/],
    [': value', /expected 'Name: value'/],
    ['Bad Name: v', /'Bad Name' is not a valid header name/],
    ['X-A: a\r\nInjected: 1', /NUL, CR or LF/],
    ['origin: https://x.example', /Origin header is set by each probe/],
  ])('rejects %j', (line, message) => {
    expect(() => parseHeader(line)).toThrow(message);
  });
});

describe('parseTrustedOrigin', () => {
  it('serializes', () => {
    expect(parseTrustedOrigin('https://App.Example.com:443')).toBe('https://app.example.com');
    expect(parseTrustedOrigin('http://localhost:8080/')).toBe('http://localhost:8080');
  });
  it.each([
    'app.example.com',
    'ftp://x.example',
    'https://u:p@x.example',
    'https://x.example/path',
    'https://x.example?q',
  ])('rejects %s', (value) => {
    expect(() => parseTrustedOrigin(value)).toThrow(ScanOptionError);
  });
});

describe('resolveScanOptions', () => {
  const checks = [reflectionCheck, preflightCheck];
  it('fills defaults and normalizes the method as Fetch does', () => {
    const options = resolveScanOptions({ checks, method: 'post' });
    expect(options).toMatchObject({
      method: 'POST',
      concurrency: 16,
      perHost: 8,
      rate: 0,
      timeout: 10_000,
      retries: 2,
      bodyCap: 4096,
      insecure: false,
      followRedirects: false,
    });
    expect(resolveScanOptions({ checks, method: 'PaTcH' }).method).toBe('PaTcH');
  });
  it.each([
    [{ concurrency: 0 }, /bad --concurrency '0'/],
    [{ perHost: 1.5 }, /bad --per-host '1.5'/],
    [{ rate: -1 }, /bad --rate '-1'/],
    [{ timeout: 0 }, /bad --timeout '0'/],
    [{ retries: 11 }, /bad --retries '11'/],
    [{ method: 'GE T' }, /bad --method 'GE T'/],
    [{ method: 'connect' }, /forbidden method/],
    [{ proxy: 'not a url' }, /bad --proxy 'not a url'/],
    [{ cookie: 'a=b\nc' }, /bad --cookie/],
    [
      { select: ['origin-reflected', 'wildcard-origin'] },
      /unknown check id 'wildcard-origin' \(known: origin-reflected, permissive-preflight\)/,
    ],
    [{ select: ['x', 'y'] }, /unknown check ids 'x', 'y'/],
  ])('rejects %j', (bad, message) => {
    expect(() => resolveScanOptions({ checks, ...bad })).toThrow(message);
  });
  it('selects checks by id, keeping their order', () => {
    expect(selectedChecks({ checks, select: ['permissive-preflight'] }).map((c) => c.id)).toEqual([
      'permissive-preflight',
    ]);
    expect(selectedChecks({ checks, select: undefined })).toBe(checks);
  });
});
