import { describe, expect, it } from 'vitest';
import { NetOptionError } from './errors.js';
import { findResolveRule, parseResolveRule, parseResolveRules } from './resolve.js';

describe('parseResolveRule (curl --resolve)', () => {
  it.each([
    ['lab.test:127.0.0.1', { host: 'lab.test', port: undefined, address: '127.0.0.1', family: 4 }],
    ['LAB.test:10.0.0.2', { host: 'lab.test', port: undefined, address: '10.0.0.2', family: 4 }],
    ['lab.test:8443:127.0.0.1', { host: 'lab.test', port: 8443, address: '127.0.0.1', family: 4 }],
    ['api.test:8443:127.0.0.1', { host: 'api.test', port: 8443, address: '127.0.0.1', family: 4 }],
    ['lab.test:[::1]', { host: 'lab.test', port: undefined, address: '::1', family: 6 }],
    ['lab.test:::1', { host: 'lab.test', port: undefined, address: '::1', family: 6 }],
    ['lab.test:443:[2001:db8::1]', { host: 'lab.test', port: 443, address: '2001:db8::1', family: 6 }],
    ['lab.test:443:::1', { host: 'lab.test', port: 443, address: '::1', family: 6 }],
    ['*.lab.test:127.0.0.1', { host: '*.lab.test', port: undefined, address: '127.0.0.1', family: 4 }],
    ['*.lab.test:8443:[::1]', { host: '*.lab.test', port: 8443, address: '::1', family: 6 }],
    ['*:443:127.0.0.1', { host: '*', port: 443, address: '127.0.0.1', family: 4 }],
    ['+lab.test:443:127.0.0.1', { host: 'lab.test', port: 443, address: '127.0.0.1', family: 4 }],
    ['lab.test.:127.0.0.1', { host: 'lab.test', port: undefined, address: '127.0.0.1', family: 4 }],
  ])('%s', (entry, rule) => {
    expect(parseResolveRule(entry)).toMatchObject(rule);
  });

  it('keeps every address of a curl list, connecting to the first', () => {
    expect(parseResolveRule('lab.test:443:127.0.0.2,[::1]')).toEqual({
      host: 'lab.test',
      port: 443,
      address: '127.0.0.2',
      family: 4,
      addresses: ['127.0.0.2', '::1'],
    });
  });

  it.each([
    ['lab.test', /no HOST: before the address/],
    [':127.0.0.1', /no HOST: before the address/],
    ['lab.test:localhost', /'localhost' is not an IPv4 or IPv6 address/],
    ['lab.test:99999:127.0.0.1', /port 99999 is out of range/],
    ['lab.test:8443:', /no address after the port/],
    ['lab test:127.0.0.1', /'lab test' is not a host name/],
    ['https://lab.test:127.0.0.1', /'https' is not|is not an IPv4/],
    ['*:127.0.0.1', /a \* rule needs a port/],
    ['-lab.test:443', /removing an entry/],
    ['lab.test:443:127.0.0.1,nope', /'nope' is not an IPv4 or IPv6 address/],
  ])('rejects %s', (entry, message) => {
    expect(() => parseResolveRule(entry)).toThrow(NetOptionError);
    expect(() => parseResolveRule(entry)).toThrow(message);
  });
});

describe('findResolveRule', () => {
  it('matches exact host before wildcard, port-specific before any port, longest wildcard first', () => {
    const rules = [
      '*.lab.test:10.0.0.1',
      '*.api.lab.test:10.0.0.2',
      'www.lab.test:10.0.0.3',
      'www.lab.test:8443:10.0.0.4',
    ].map(parseResolveRule);
    expect(findResolveRule(rules, 'www.lab.test', 443)?.address).toBe('10.0.0.3');
    expect(findResolveRule(rules, 'WWW.lab.test.', 8443)?.address).toBe('10.0.0.4');
    expect(findResolveRule(rules, 'x.api.lab.test', 443)?.address).toBe('10.0.0.2');
    expect(findResolveRule(rules, 'app.lab.test', 443)?.address).toBe('10.0.0.1');
    expect(findResolveRule(rules, 'lab.test', 443)).toBeUndefined();
    expect(findResolveRule(rules, 'evillab.test', 443)).toBeUndefined();
  });

  it('applies a port rule to that port only, and * last', () => {
    const rules = parseResolveRules(['*:8443:10.0.0.9', 'api.test:8443:127.0.0.1', '*.test:8443:10.0.0.8']);
    expect(findResolveRule(rules, 'api.test', 8443)?.address).toBe('127.0.0.1');
    expect(findResolveRule(rules, 'api.test', 443)).toBeUndefined();
    expect(findResolveRule(rules, 'web.test', 8443)?.address).toBe('10.0.0.8');
    expect(findResolveRule(rules, 'example.com', 8443)?.address).toBe('10.0.0.9');
  });

  it('prefers the first of two equally specific rules', () => {
    const rules = parseResolveRules(['api.test:10.0.0.1', 'api.test:10.0.0.2']);
    expect(findResolveRule(rules, 'api.test', 443)?.address).toBe('10.0.0.1');
  });
});
