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
