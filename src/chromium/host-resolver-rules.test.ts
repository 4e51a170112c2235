import { findResolveRule, parseResolveRules } from '../net/index.js';
import { describe, expect, it } from 'vitest';
import { excludeRule, hostPattern, hostResolverRulesSwitch, mappableHost, mapRule, resolveMappings } from './index.js';

describe('host-resolver rules', () => {
  it('names a host, a host:port and an IPv6 literal as Chromium reads them', () => {
    expect(hostPattern('api.test')).toBe('api.test');
    expect(hostPattern('api.test', 8443)).toBe('api.test:8443');
    expect(hostPattern('[::1]', 80)).toBe('[::1]:80');
    expect(hostPattern('::1')).toBe('::1');
    expect(mapRule('api.test', '127.0.0.1')).toBe('MAP api.test 127.0.0.1');
    expect(mapRule('app.test:443', '127.0.0.1', 4321)).toBe('MAP app.test:443 127.0.0.1:4321');
    expect(mapRule('api.test', '::1')).toBe('MAP api.test [::1]');
    expect(excludeRule('[::1]')).toBe('EXCLUDE ::1');
  });

  it('orders --resolve rules so that Chromium, taking the first match, picks the rule the HTTP client picks', () => {
    const rules = [
      { host: '*.lab.test', address: '10.0.0.1' },
      { host: '*.api.lab.test', address: '10.0.0.2' },
      { host: 'www.lab.test', address: '10.0.0.3' },
      { host: 'www.lab.test', port: 8443, address: '10.0.0.4' },
      { host: 'v6.lab.test', port: 443, address: '2001:db8::1' },
      { host: '*', port: 443, address: '10.0.0.5' },
      { host: '*.lab.test', port: 443, address: '10.0.0.6' },
    ];
    expect(resolveMappings(rules)).toEqual([
      'MAP www.lab.test:8443 10.0.0.4',
      'MAP v6.lab.test:443 [2001:db8::1]',
      'MAP www.lab.test 10.0.0.3',
      'MAP *.api.lab.test 10.0.0.2',
      'MAP *.lab.test:443 10.0.0.6',
      'MAP *.lab.test 10.0.0.1',
      'MAP *:443 10.0.0.5',
    ]);
    expect(resolveMappings([])).toEqual([]);
  });

  it('joins rules into one switch, and refuses a host it cannot name', () => {
    expect(hostResolverRulesSwitch([])).toBeUndefined();
    expect(hostResolverRulesSwitch(['MAP a.test 127.0.0.1', 'MAP * ~NOTFOUND'])).toBe(
      '--host-resolver-rules=MAP a.test 127.0.0.1, MAP * ~NOTFOUND',
    );
    expect(hostResolverRulesSwitch(['MAP a.test 127.0.0.1, MAP b.test ::1', ''])).toBe(
      '--host-resolver-rules=MAP a.test 127.0.0.1, MAP b.test ::1',
    );
    expect(() => hostResolverRulesSwitch(['MAP a,b.test 127.0.0.1'])).toThrow(/cannot express 'MAP a'/);
    expect(() => hostResolverRulesSwitch(['MAP a b.test 127.0.0.1'])).toThrow(/cannot express/);
    expect(mappableHost('https://a.test')).toBe(true);
    expect(mappableHost('https://a,b.test')).toBe(false);
  });
});

describe('resolveMappings of parsed --resolve rules (src/net)', () => {
  it('maps every form, most specific first, IPv6 bracketed', () => {
    const rules = parseResolveRules([
      '*:8443:10.0.0.9',
      '*.lab.test:::1',
      'api.test:8443:127.0.0.1',
      'api.test:127.0.0.2',
      '*.api.lab.test:8443:10.0.0.3',
    ]);
    expect(resolveMappings(rules).join(', ')).toBe(
      'MAP api.test:8443 127.0.0.1, MAP api.test 127.0.0.2, MAP *.api.lab.test:8443 10.0.0.3, MAP *.lab.test [::1], MAP *:8443 10.0.0.9',
    );
    expect(resolveMappings([]).join(', ')).toBe('');
  });

  it('gives Chromium, which applies the first matching rule, the address findResolveRule gives', () => {
    // Chromium matches a pattern against the host, else against host:port (net/base/host_mapping_rules.cc).
    const matchPattern = (pattern: string, value: string) =>
      new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(value);
    const chromiumAddress = (mapping: string, host: string, port: number) => {
      for (const rule of mapping.split(', ')) {
        const [, pattern = '', address = ''] = rule.split(' ');
        if (matchPattern(pattern, host) || matchPattern(pattern, `${host}:${port}`)) {
          return address.replace(/^\[|\]$/g, '');
        }
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
    const mapping = resolveMappings(rules).join(', ');
    for (const host of ['www.lab.test', 'x.api.lab.test', 'app.lab.test', 'lab.test', 'example.com']) {
      for (const port of [443, 8443, 9000]) {
        expect(chromiumAddress(mapping, host, port), `${host}:${port}`).toBe(
          findResolveRule(rules, host, port)?.address,
        );
      }
    }
  });
});
