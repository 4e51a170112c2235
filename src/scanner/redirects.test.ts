import { describe, expect, it } from 'vitest';
import { redirectLocation } from './redirects.js';

describe('redirectLocation', () => {
  const base = new URL('https://api.example.com/v1/items?x=1');
  const response = (location?: string) => ({
    status: 302,
    headers: location === undefined ? [] : ([['Location', location]] as [string, string][]),
    bodySnippet: '',
  });
  it('resolves relative locations against the request URL and drops the fragment', () => {
    expect(redirectLocation(response('../v2/items#top'), base)?.url?.href).toBe('https://api.example.com/v2/items');
    expect(redirectLocation(response('//cdn.example.com/a'), base)?.url?.href).toBe('https://cdn.example.com/a');
  });
  it('keeps the raw value when it is not a followable URL', () => {
    expect(redirectLocation(response('javascript:alert(1)'), base)).toEqual({
      raw: 'javascript:alert(1)',
      url: undefined,
    });
    expect(redirectLocation(response('http://[bad'), base)).toEqual({ raw: 'http://[bad', url: undefined });
    expect(redirectLocation(response(), base)).toBeUndefined();
  });
});
