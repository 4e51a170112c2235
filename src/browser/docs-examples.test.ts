/** The examples of docs/browser.md and of the README's corsight/browser section, run as written. */
import { expect, it } from 'vitest';
import { PreflightCache, simulateFetch } from './index.js';

it('docs/browser.md example', async () => {
  const transport = async (req: { method: string; url: string; headers: [string, string][] }) => {
    if (req.method === 'OPTIONS') {
      return {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', 'https://app.example'],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'content-type'],
          ['Access-Control-Max-Age', '600'],
        ] as [string, string][],
      };
    }
    return { status: 200, headers: [['Access-Control-Allow-Origin', '*']] as [string, string][] };
  };
  const cache = new PreflightCache();
  const outcome = await simulateFetch(
    {
      origin: 'https://app.example',
      url: 'https://api.example/items/1',
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'include',
    },
    transport,
    { cache },
  );
  expect(outcome.allowed).toBe(false);
  expect(outcome.preflighted).toBe(true);
  expect(outcome.error?.code).toBe('WildcardOriginNotAllowed');
  expect(outcome.error?.message).toBe(
    "Access to fetch at 'https://api.example/items/1' from origin 'https://app.example' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
  );
});

it('README section example', async () => {
  const outcome = await simulateFetch(
    { origin: 'https://app.example', url: 'https://api.example/me', credentials: 'include' },
    async () => ({ status: 200, headers: [['Access-Control-Allow-Origin', '*']] }),
  );
  expect(outcome.allowed).toBe(false);
  expect(outcome.error?.code).toBe('WildcardOriginNotAllowed');
  expect(outcome.error?.message).toBe(
    "Access to fetch at 'https://api.example/me' from origin 'https://app.example' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
  );
});
