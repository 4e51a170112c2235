import { describe, expect, it } from 'vitest';
import { NetOptionError } from './errors.js';
import { findResolveRule, parseResolveRule, parseResolveRules, toHostResolverRules } from './resolve.js';

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

describe('toHostResolverRules (Chromium --host-resolver-rules)', () => {
  it('maps every form, most specific first, IPv6 bracketed', () => {
    const rules = parseResolveRules([
      '*:8443:10.0.0.9',
      '*.lab.test:::1',
      'api.test:8443:127.0.0.1',
      'api.test:127.0.0.2',
      '*.api.lab.test:8443:10.0.0.3',
    ]);
    expect(toHostResolverRules(rules)).toBe(
      'MAP api.test:8443 127.0.0.1, MAP api.test 127.0.0.2, MAP *.api.lab.test:8443 10.0.0.3, MAP *.lab.test [::1], MAP *:8443 10.0.0.9',
    );
    expect(toHostResolverRules([])).toBe('');
  });

  it('gives Chromium, which applies the first matching rule, the address findResolveRule gives', () => {
    // Chromium matches a pattern against the host, else against host:port (net/base/host_mapping_rules.cc).
    const matchPattern = (pattern: string, value: string) =>
      new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(value);
    const chromiumAddress = (mapping: string, host: string, port: number) => {
      for (const rule of mapping.split(', ')) {
        const [, pattern = '', address = ''] = rule.split(' ');
        if (matchPattern(pattern, host) || matchPattern(pattern, `${host}:${port}`))
          return address.replace(/^\[|\]$/g, '');
      }
      return undefined;
    };
    const rules = parseResolveRules([
      '*.lab.test:10.0.0.1',
      'www.lab.test:8443:10.0.0.4',
      '*.api.lab.test:10.0.0.2',
      'www.lab.test:10.0.0.3',
      '*:9000:10.0.0.5',
    ]);
    const mapping = toHostResolverRules(rules);
    for (const host of ['www.lab.test', 'x.api.lab.test', 'app.lab.test', 'lab.test', 'example.com']) {
      for (const port of [443, 8443, 9000]) {
        expect(chromiumAddress(mapping, host, port), `${host}:${port}`).toBe(
          findResolveRule(rules, host, port)?.address,
        );
      }
    }
  });
});
