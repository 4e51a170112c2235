import { describe, expect, it } from 'vitest';
import { ScanOptionError } from './errors.js';
import { parseHeader, parseResolve, parseTrustedOrigin, resolveScanOptions, selectedChecks } from './options.js';
import { preflightCheck, reflectionCheck } from './__fixtures__/servers.js';

describe('parseResolve (curl --resolve, parsed by src/net)', () => {
  it('reports a bad rule as a ScanOptionError', () => {
    expect(parseResolve('lab.test:127.0.0.1')).toMatchObject({ host: 'lab.test', address: '127.0.0.1' });
    expect(() => parseResolve('lab.test')).toThrow(ScanOptionError);
    expect(() => parseResolve('lab.test')).toThrow(/no HOST: before the address/);
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
      maxRetryAfter: 60_000,
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
    [{ rate: 1e-300 }, /bad --rate '1e-300': expected 0 \(unlimited\) or from 1\/3600/],
    [{ rate: Infinity }, /bad --rate 'Infinity'/],
    [{ timeout: 99_999_999_999 }, /bad --timeout '99999999999': expected a whole number from 1 to 3600000 ms/],
    [{ maxRetryAfter: -1 }, /bad --max-retry-after '-1'/],
    [{ resolve: ['lab.test:8443:'] }, /bad --resolve 'lab.test:8443:': no address after the port/],
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
    expect(() => resolveScanOptions({ checks, ...bad })).toThrow(ScanOptionError);
    expect(() => resolveScanOptions({ checks, ...bad })).toThrow(message);
  });
  it('selects checks by id, keeping their order', () => {
    expect(selectedChecks({ checks, select: ['permissive-preflight'] }).map((c) => c.id)).toEqual([
      'permissive-preflight',
    ]);
    expect(selectedChecks({ checks, select: undefined })).toBe(checks);
  });
});
