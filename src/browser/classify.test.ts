/**
 * Table-driven tests: Request construction and classification (classify.ts).
 */
import { describe, expect, it } from 'vitest';
import { classifyRequest, constructRequest } from './classify.js';
import { CHROMIUM, SPEC } from './profiles.js';

const A = 'http://a.test';

describe('constructRequest', () => {
  it('normalizes, applies defaults and drops forbidden headers', () => {
    const r = constructRequest({
      origin: A,
      url: 'http://b.test/x#f',
      method: 'post',
      headers: { Host: 'x', 'X-A': ' 1 ' },
      body: 'text',
    });
    expect(r).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      mode: 'cors',
      redirect: 'follow',
      body: 'text',
      useCorsPreflight: false,
    });
    expect(r.headers).toEqual([
      ['X-A', '1'],
      ['Content-Type', 'text/plain;charset=UTF-8'],
    ]);
    expect(r.dropped).toEqual([{ name: 'Host', value: 'x', reason: 'forbidden' }]);
  });
  it('no-cors keeps only no-CORS-safelisted headers, judging the combined value', () => {
    const r = constructRequest({
      origin: A,
      url: 'http://b.test/',
      mode: 'no-cors',
      headers: [
        ['Accept', 'a'],
        ['Accept', 'b"'],
        ['Range', 'bytes=0-'],
        ['X-A', '1'],
      ],
    });
    expect(r.headers).toEqual([['Accept', 'a']]);
    expect(r.dropped.map((d) => d.name)).toEqual(['Accept', 'Range', 'X-A']);
  });
  it('the spec profile keeps same-name headers as separate entries', () => {
    const r = constructRequest(
      {
        origin: A,
        url: 'http://b.test/',
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
      SPEC,
    );
    expect(r.headers).toEqual([
      ['X-A', '1'],
      ['x-a', '2'],
    ]);
    const c = constructRequest(
      {
        origin: A,
        url: 'http://b.test/',
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
      CHROMIUM,
    );
    expect(c.headers).toEqual([['X-A', '1, 2']]);
  });
  it('a stream body sets the use-CORS-preflight flag', () => {
    expect(
      constructRequest({ origin: A, url: 'http://b.test/', method: 'POST', body: 'stream' }).useCorsPreflight,
    ).toBe(true);
  });
});

describe('classifyRequest', () => {
  it.each([
    ['GET', [], false, false, []],
    ['POST', [['Content-Type', 'text/plain']], false, false, []],
    ['POST', [['Content-Type', 'application/json']], false, true, ['content-type']],
    ['PUT', [], false, true, []],
    ['get', [], false, true, []],
    [
      'GET',
      [
        ['X-B', '1'],
        ['x-a', '1'],
      ],
      false,
      true,
      ['x-a', 'x-b'],
    ],
    ['GET', [['DPR', '2']], false, false, []],
    ['POST', [], true, true, []],
  ] as [string, [string, string][], boolean, boolean, string[]][])(
    '%s %j upload=%s -> preflight %s %j',
    (method, headers, force, pre, unsafe) => {
      const c = classifyRequest({ method, headers, useCorsPreflight: force });
      expect(c.needsPreflight).toBe(pre);
      expect(c.unsafeHeaderNames).toEqual(unsafe);
      expect(c.reasons.length > 0).toBe(pre);
    },
  );
  it('the DPR extra is Chromium-only', () => {
    expect(classifyRequest({ method: 'GET', headers: [['DPR', '2']] }, SPEC).unsafeHeaderNames).toEqual(['dpr']);
  });
});
