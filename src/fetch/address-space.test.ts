import { describe, expect, it } from 'vitest';
import { addressSpaceOfHost, isMorePrivate, type AddressSpace } from './address-space.js';

describe('addressSpaceOfHost (Chromium ip_address_space_util.cc)', () => {
  it.each<[string, AddressSpace | undefined]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['[::1]', 'loopback'],
    ['::1', 'loopback'],
    ['localhost', 'loopback'],
    ['api.localhost', 'loopback'],
    ['LOCALHOST.', 'loopback'],
    ['10.1.2.3', 'local'],
    ['172.16.0.1', 'local'],
    ['172.31.255.255', 'local'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'local'],
    ['169.254.169.254', 'local'],
    ['[fd12:3456::1]', 'local'],
    ['[fc00::]', 'local'],
    ['[fe80::1]', 'local'],
    ['[febf::1]', 'local'],
    ['[fec0::1]', 'public'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['[::ffff:192.168.0.1]', 'local'],
    ['[::ffff:8.8.8.8]', 'public'],
    ['8.8.8.8', 'public'],
    ['[2001:db8::1]', 'public'],
    ['0.0.0.0', 'public'],
    ['example.com', undefined],
    ['printer.local', undefined],
    ['1.2.3', undefined],
  ])('%s is %s', (host, space) => {
    expect(addressSpaceOfHost(host)).toBe(space);
  });

  it('agrees with the URL parser, which canonicalizes IP literals first', () => {
    expect(addressSpaceOfHost(new URL('http://0x7f.1/').hostname)).toBe('loopback');
    expect(addressSpaceOfHost(new URL('http://[0:0:0:0:0:0:0:1]/').hostname)).toBe('loopback');
    expect(addressSpaceOfHost(new URL('http://3232235777/').hostname)).toBe('local');
  });
});

describe('isMorePrivate', () => {
  it('ranks public < local < loopback', () => {
    expect(isMorePrivate('loopback', 'public')).toBe(true);
    expect(isMorePrivate('local', 'public')).toBe(true);
    expect(isMorePrivate('loopback', 'local')).toBe(true);
    expect(isMorePrivate('local', 'local')).toBe(false);
    expect(isMorePrivate('public', 'loopback')).toBe(false);
    expect(isMorePrivate('local', 'loopback')).toBe(false);
  });
});
