// corsight/testing from node:test, as a user writes it (run: node --test this-file).
// Imports the built package by its own name, so `npm run build` must have run.
import assert from 'node:assert';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { expectCors } from 'corsight/testing';

// A small API: grants https://app.example for GET and PUT, with credentials, exposing x-total.
function app(req, res) {
  const origin = req.headers.origin;
  if (origin === 'https://app.example') {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    if (origin === 'https://app.example') res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
    res.statusCode = 204;
    return res.end();
  }
  res.setHeader('X-Total', '3');
  if (origin === 'https://app.example') res.setHeader('Access-Control-Expose-Headers', 'X-Total');
  res.end('[]');
}

test('the app origin may PUT with credentials and read X-Total', async () => {
  const put = expectCors(app).from('https://app.example').fetch('/items', { method: 'PUT', credentials: 'include' });
  await put.toBePreflighted();
  await put.toBeAllowed();
  await expectCors(app).from('https://app.example').fetch('/items').toExpose('x-total');
});

test('another origin is refused, and the failure explains itself', async () => {
  await expectCors(createServer(app))
    .from('https://evil.example')
    .fetch('/items')
    .toBeBlockedWith('MissingAllowOriginHeader');
  await assert.rejects(
    expectCors(app).from('https://evil.example').fetch('/items').toBeAllowed(),
    (err) =>
      err instanceof assert.AssertionError &&
      err.message.includes('add `Access-Control-Allow-Origin: https://evil.example`'),
  );
});
