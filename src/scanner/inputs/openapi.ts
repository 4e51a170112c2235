/**
 * OpenAPI 3.0 and 3.1, Swagger 2.0 (JSON or YAML): each operation becomes a target with its method, the request
 * headers it declares (header parameters, a non-safelisted body media type, header security schemes), so its
 * preflight asks for what the application's browser code would. The document is read and its `$ref`s resolved
 * once, by @readme/openapi-parser (circular references are kept as shared objects, never expanded).
 */
import type { HeaderList, TargetRequest } from '../types.js';
import { InputFileError, jsonPointer } from './errors.js';
import { targetRequest, TargetRequestError } from './request.js';

/** What an OpenAPI document holds for the scanner. */
export interface OpenApiContents {
  /** One target per operation, in document order. */
  targets: TargetRequest[];
  /** The base URL the paths were joined to. */
  baseUrl: string;
  /** `openapi` or `swagger` version string of the document. */
  version: string;
  /** Operations left out: OPTIONS and TRACE (browsers send the first as preflights and never the second). */
  ignored: number;
}

/** How to read a document. */
export interface OpenApiOptions {
  /** `--base-url`: replaces the document's first server. */
  baseUrl?: string;
  /**
   * Header names the run sends itself (`--header`, `--cookie`): a security scheme's header is sent with these
   * values; one the run has no value for is still asked for in the preflight, never invented.
   */
  given?: readonly string[];
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads and resolves the document; turns the parser's errors into one line naming the file and where. */
async function load(file: string): Promise<Obj> {
  let document: unknown;
  try {
    // Loaded on first use: the parser brings a JSON Schema validator no other scan needs at start-up.
    const { dereference } = await import('@readme/openapi-parser');
    document = await dereference(file);
  } catch (error) {
    const message = (error as Error).message;
    const first = (message.split('\n')[0] ?? message).replace(/^Error (parsing|opening file) [^:]*: /, '');
    const place = /\((\d+):(\d+)\)\s*$/.exec(first);
    if (place !== null) {
      throw new InputFileError(
        file,
        `line ${place[1]}`,
        `not valid YAML or JSON: ${first.slice(0, place.index).trim()}`,
      );
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (/ENOENT|EISDIR|EACCES/.test(first) || code !== undefined) {
      throw new InputFileError(file, '', `cannot read: ${first}`);
    }
    throw new InputFileError(file, '', first);
  }
  if (!isObject(document)) throw new InputFileError(file, '', 'not an OpenAPI document (not an object)');
  return document;
}

/** The example value a parameter declares, or a placeholder of its type. */
function exampleOf(parameter: Obj): string {
  const schema = isObject(parameter.schema) ? parameter.schema : parameter;
  const examples = parameter.examples;
  const fromExamples = isObject(examples)
    ? Object.values(examples).map((e) => (isObject(e) ? e.value : undefined))[0]
    : Array.isArray(schema.examples)
      ? (schema.examples as unknown[])[0]
      : undefined;
  const enumFirst = Array.isArray(schema.enum) ? (schema.enum as unknown[])[0] : undefined;
  const value =
    parameter.example ?? fromExamples ?? parameter['x-example'] ?? schema.example ?? schema.default ?? enumFirst;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const type = Array.isArray(schema.type) ? (schema.type as unknown[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return '1';
    case 'boolean':
      return 'true';
  }
  switch (schema.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'date':
      return '2024-01-01';
    case 'date-time':
      return '2024-01-01T00:00:00Z';
  }
  return 'example';
}

/** The first server's URL with its variables at their defaults (3.x), or schemes/host/basePath (2.0). */
function serverUrl(file: string, doc: Obj, servers: unknown, where: (string | number)[]): string | undefined {
  if (typeof doc.swagger === 'string') {
    if (typeof doc.host !== 'string') return undefined;
    const schemes = Array.isArray(doc.schemes) ? (doc.schemes as unknown[]) : [];
    const scheme = schemes.includes('https') ? 'https' : schemes.includes('http') ? 'http' : 'https';
    return `${scheme}://${doc.host}${typeof doc.basePath === 'string' ? doc.basePath : ''}`;
  }
  if (!Array.isArray(servers) || servers.length === 0) return undefined;
  const server: unknown = servers[0];
  if (!isObject(server) || typeof server.url !== 'string') {
    throw new InputFileError(file, jsonPointer([...where, 0, 'url']), 'expected a string');
  }
  const variables = isObject(server.variables) ? server.variables : {};
  return server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === 'string' ? variable.default : whole;
  });
}

function absoluteBase(file: string, base: string | undefined, where: string): string {
  if (base === undefined) {
    throw new InputFileError(file, where, 'no server URL to scan: give one with --base-url URL');
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new InputFileError(
      file,
      where,
      `the server URL '${base}' is not absolute: give the real one with --base-url URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputFileError(
      file,
      where,
      `the server URL '${base}' is not http or https: give one with --base-url URL`,
    );
  }
  return url.href.replace(/\/$/, '');
}

/** The header names a security requirement adds (apiKey in header, http, oauth2, openIdConnect). */
function securityHeaders(doc: Obj, requirements: unknown): string[] {
  if (!Array.isArray(requirements) || requirements.length === 0) return [];
  const first: unknown = requirements[0];
  if (!isObject(first)) return [];
  const components = isObject(doc.components) ? doc.components : {};
  const schemes = isObject(components.securitySchemes)
    ? components.securitySchemes
    : isObject(doc.securityDefinitions)
      ? doc.securityDefinitions
      : {};
  const names: string[] = [];
  for (const schemeName of Object.keys(first)) {
    const scheme = schemes[schemeName];
    if (!isObject(scheme)) continue;
    if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') names.push(scheme.name);
    else if (['http', 'basic', 'oauth2', 'openIdConnect'].includes(scheme.type as string)) names.push('Authorization');
  }
  return names;
}

/** The Content-Type of the operation's body (first declared media type), or undefined without a body. */
function bodyType(doc: Obj, operation: Obj, parameters: Obj[]): string | undefined {
  if (isObject(operation.requestBody)) {
    const content = operation.requestBody.content;
    return isObject(content) ? Object.keys(content)[0] : undefined;
  }
  if (!parameters.some((p) => p.in === 'body' || p.in === 'formData')) return undefined;
  const consumes = Array.isArray(operation.consumes) ? operation.consumes : doc.consumes;
  const first = Array.isArray(consumes) ? (consumes as unknown[])[0] : undefined;
  return typeof first === 'string' ? first : 'application/json';
}

/** Parameters of an operation: the path item's, overridden by the operation's own of the same name and place. */
function parametersOf(file: string, pathItem: Obj, operation: Obj, where: (string | number)[]): Obj[] {
  const merged = new Map<string, Obj>();
  for (const [list, at] of [
    [pathItem.parameters, where.slice(0, -1)],
    [operation.parameters, where],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new InputFileError(file, jsonPointer([...at, 'parameters']), 'expected an array');
    list.forEach((parameter: unknown, index) => {
      if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') {
        throw new InputFileError(
          file,
          jsonPointer([...at, 'parameters', index]),
          'expected a parameter object with "name" and "in"',
        );
      }
      merged.set(`${parameter.in}:${parameter.name}`, parameter);
    });
  }
  return [...merged.values()];
}

/**
 * Reads an OpenAPI or Swagger document into targets. Throws `InputFileError` naming the file and where (a line for
 * YAML/JSON syntax, a JSON pointer for a structure the scanner cannot use), never a stack trace.
 */
export async function readOpenApi(file: string, options: OpenApiOptions = {}): Promise<OpenApiContents> {
  const doc = await load(file);
  const version = typeof doc.openapi === 'string' ? doc.openapi : typeof doc.swagger === 'string' ? doc.swagger : '';
  if (!/^(2\.0|3\.[01])(\.\d+)?/.test(version)) {
    throw new InputFileError(
      file,
      doc.openapi !== undefined ? '/openapi' : doc.swagger !== undefined ? '/swagger' : '',
      'not an OpenAPI 3.0/3.1 or Swagger 2.0 document (no "openapi: 3.x" or "swagger: 2.0")',
    );
  }
  if (!isObject(doc.paths)) throw new InputFileError(file, '/paths', 'expected an object of paths');
  const given = new Set((options.given ?? []).map((name) => name.toLowerCase()));
  const targets: TargetRequest[] = [];
  let ignored = 0;
  let firstBase: string | undefined;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) throw new InputFileError(file, jsonPointer(['paths', path]), 'expected a path item object');
    for (const method of methods) {
      const operation = item[method];
      if (operation === undefined) continue;
      const where = ['paths', path, method];
      if (!isObject(operation)) throw new InputFileError(file, jsonPointer(where), 'expected an operation object');
      if (method === 'options' || method === 'trace') {
        ignored++;
        continue;
      }
      const serversAt = Array.isArray(operation.servers)
        ? [...where, 'servers']
        : Array.isArray(item.servers)
          ? ['paths', path, 'servers']
          : ['servers'];
      const servers = Array.isArray(operation.servers)
        ? operation.servers
        : Array.isArray(item.servers)
          ? item.servers
          : doc.servers;
      const base = (
        options.baseUrl ??
        absoluteBase(file, serverUrl(file, doc, servers, serversAt), jsonPointer(doc.swagger ? ['host'] : serversAt))
      ).replace(/\/$/, '');
      firstBase ??= base;
      const parameters = parametersOf(file, item, operation, where);
      const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
        return encodeURIComponent(parameter === undefined ? 'example' : exampleOf(parameter));
      });
      const query = parameters
        .filter((p) => p.in === 'query' && p.required === true)
        .map((p) => `${encodeURIComponent(p.name as string)}=${encodeURIComponent(exampleOf(p))}`);
      const url = `${base}${filled}${query.length > 0 ? `?${query.join('&')}` : ''}`;
      const headers: HeaderList = [];
      const declared: string[] = [];
      for (const parameter of parameters) {
        if (parameter.in !== 'header') continue;
        const name = parameter.name as string;
        // OpenAPI: Accept, Content-Type and Authorization header parameters are ignored (the spec says so).
        if (['accept', 'content-type', 'authorization'].includes(name.toLowerCase())) continue;
        // A value the run gives (--header) is sent instead of the example; the name is asked for either way.
        if (given.has(name.toLowerCase())) declared.push(name);
        else headers.push([name, exampleOf(parameter)]);
      }
      // Credentials come only from the run (--header, --cookie): a scheme's header is asked for in the preflight,
      // and sent only when the run has a value for it.
      declared.push(...securityHeaders(doc, operation.security ?? doc.security));
      const type = bodyType(doc, operation, parameters);
      if (type !== undefined) headers.push(['Content-Type', type]);
      try {
        targets.push(targetRequest(new URL(url).href, method.toUpperCase(), headers, declared));
      } catch (error) {
        const reason = error instanceof TargetRequestError ? error.message : `the URL '${url}' is not valid`;
        throw new InputFileError(file, jsonPointer(where), reason);
      }
    }
  }
  return { targets, baseUrl: firstBase ?? options.baseUrl ?? '', version, ignored };
}
