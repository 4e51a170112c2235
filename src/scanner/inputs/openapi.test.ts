import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputFileError } from './errors.js';
import { readOpenApi } from './openapi.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const fixture = (name: string) => path.join(fixtures, name);

function scratch(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'corsight-openapi-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function failure(promise: Promise<unknown>): Promise<InputFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('readOpenApi', () => {
  it('Swagger 2.0: host + basePath, $ref path parameters (x-example), required query defaults, apiKey header', async () => {
    const read = await readOpenApi(fixture('petstore-2.0.json'));
    expect(read.version).toBe('2.0');
    expect(read.baseUrl).toBe('https://pets.example.test/v1');
    expect(read.targets).toEqual([
      {
        url: 'https://pets.example.test/v1/pets/42',
        method: 'GET',
        preflight: { method: 'GET', headers: ['x-api-key'] },
      },
      {
        url: 'https://pets.example.test/v1/pets/42',
        method: 'DELETE',
        preflight: { method: 'DELETE', headers: ['x-api-key'] },
      },
      // `security: []` on the operation: no key, a simple request.
      { url: 'https://pets.example.test/v1/pets?limit=20', method: 'GET' },
      {
        url: 'https://pets.example.test/v1/pets',
        method: 'POST',
        headers: [['Content-Type', 'application/json']],
        preflight: { method: 'POST', headers: ['content-type', 'x-api-key'] },
      },
    ]);
  });

  it('OpenAPI 3.0 (YAML): first server with its variables, examples, header parameters, body media type, bearer', async () => {
    const read = await readOpenApi(fixture('shop-3.0.yaml'), { given: ['Authorization'] });
    expect(read.baseUrl).toBe('https://eu.shop.example.test/api');
    expect(read.ignored).toBe(1);
    expect(read.targets).toEqual([
      {
        url: 'https://eu.shop.example.test/api/orders/1001/items/AB-1',
        method: 'GET',
        headers: [['X-Request-Id', '00000000-0000-4000-8000-000000000000']],
        preflight: { method: 'GET', headers: ['authorization', 'x-request-id'] },
      },
      {
        // No example for sku: a placeholder of its type.
        url: 'https://eu.shop.example.test/api/orders/1001/items/example',
        method: 'PATCH',
        headers: [['Content-Type', 'application/merge-patch+json']],
        preflight: { method: 'PATCH', headers: ['authorization', 'content-type'] },
      },
      { url: 'https://eu.shop.example.test/api/health', method: 'GET' },
    ]);
  });

  it('OpenAPI 3.1: a relative server needs --base-url; type arrays, defaults, cookie auth is no preflight header', async () => {
    const error = await failure(readOpenApi(fixture('notes-3.1.yaml')));
    expect(error.message).toBe(
      `${fixture('notes-3.1.yaml')} at /servers: the server URL '/relative' is not absolute: give the real one with --base-url URL`,
    );
    const read = await readOpenApi(fixture('notes-3.1.yaml'), { baseUrl: 'http://127.0.0.1:8080/base/' });
    expect(read.targets).toEqual([
      { url: 'http://127.0.0.1:8080/base/notes/3', method: 'GET' },
      {
        url: 'http://127.0.0.1:8080/base/notes/example/share',
        method: 'POST',
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      },
    ]);
  });

  it('reads 10,000 operations from one load', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) {
      paths[`/r${i}/{id}`] = {
        parameters: [{ $ref: '#/components/parameters/Id' }],
        get: { responses: { '200': { description: 'ok' } } },
        put: { responses: { '200': { description: 'ok' } } },
      };
    }
    const doc = {
      openapi: '3.0.3',
      info: { title: 'big', version: '1' },
      servers: [{ url: 'https://big.example.test' }],
      paths,
      components: { parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'integer' } } } },
    };
    const read = await readOpenApi(scratch('big.json', JSON.stringify(doc)));
    expect(read.targets).toHaveLength(10_000);
    expect(read.targets[9999]).toEqual({
      url: 'https://big.example.test/r4999/1',
      method: 'PUT',
      preflight: { method: 'PUT', headers: [] },
    });
  });

  describe('bad input: one error naming the file and where', () => {
    it('YAML syntax: the line', async () => {
      const file = scratch(
        'bad.yaml',
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get: [\n  bad: {\n",
      );
      const error = await failure(readOpenApi(file));
      expect(error.where).toMatch(/^line \d+$/);
      expect(error.message).toContain(`${file} at line`);
      expect(error.message).toContain('not valid YAML or JSON');
    });

    it('JSON syntax: the line', async () => {
      const file = scratch('bad.json', '{\n  "openapi": "3.0.3",\n  "paths": {,}\n}\n');
      const error = await failure(readOpenApi(file));
      expect(error.where).toMatch(/^line 3$/);
    });

    it('not an OpenAPI document', async () => {
      const file = scratch('other.yaml', 'name: something else\n');
      const error = await failure(readOpenApi(file));
      expect(error.message).toBe(
        `${file}: not an OpenAPI 3.0/3.1 or Swagger 2.0 document (no "openapi: 3.x" or "swagger: 2.0")`,
      );
    });

    it('a broken parameter: its JSON pointer', async () => {
      const file = scratch(
        'param.yaml',
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\nservers: [{url: 'https://x.test'}]\npaths:\n  /a/{id}:\n    get:\n      parameters: [{in: path}]\n      responses: {}\n",
      );
      const error = await failure(readOpenApi(file));
      expect(error.where).toBe('/paths/~1a~1{id}/get/parameters/0');
    });

    it('a missing file and a missing $ref target', async () => {
      expect((await failure(readOpenApi('/nonexistent/api.yaml'))).message).toMatch(
        /^\/nonexistent\/api\.yaml: cannot read/,
      );
      const file = scratch(
        'ref.yaml',
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\nservers: [{url: 'https://x.test'}]\npaths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/Nope'}]\n      responses: {}\n",
      );
      const error = await failure(readOpenApi(file));
      expect(error.message).toContain(file);
      expect(error.message).toContain('#/components/parameters/Nope');
      expect(error.message).not.toMatch(/\n\s+at /);
    });
  });
});
