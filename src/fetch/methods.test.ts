import { describe, expect, it } from 'vitest';
import { isCorsSafelistedMethod, isForbiddenMethod, isMethod, normalizeMethod } from './methods.js';

describe('normalizeMethod', () => {
  it.each([
    ['get', 'GET'],
    ['Post', 'POST'],
    ['put', 'PUT'],
    ['delete', 'DELETE'],
    ['options', 'OPTIONS'],
    ['head', 'HEAD'],
    ['patch', 'patch'],
    ['PATCH', 'PATCH'],
    ['Custom', 'Custom'],
  ])('%s -> %s', (m, out) => expect(normalizeMethod(m)).toBe(out));
});

describe('isCorsSafelistedMethod', () => {
  it.each([
    ['GET', true],
    ['HEAD', true],
    ['POST', true],
    ['get', false],
    ['PUT', false],
    ['PATCH', false],
  ])('%s -> %s', (m, ok) => expect(isCorsSafelistedMethod(m)).toBe(ok));
});

describe('isForbiddenMethod / isMethod', () => {
  it.each([
    ['CONNECT', true],
    ['trace', true],
    ['Track', true],
    ['GET', false],
    ['TRACES', false],
  ])('forbidden %s -> %s', (m, ok) => expect(isForbiddenMethod(m)).toBe(ok));
  it.each([
    ['GET', true],
    ['x-y', true],
    ['', false],
    ['G T', false],
    ['GET\n', false],
  ])('method %j -> %s', (m, ok) => expect(isMethod(m)).toBe(ok));
});
