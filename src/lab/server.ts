/**
 * `startLab`: the deliberately vulnerable CORS lab, served on loopback over http and https.
 *
 * Every endpoint of `labEndpoints` is served at its path and, for benchmarks that need many distinct
 * targets, at `/t/<n><path>` for any decimal `n` (the numbered copies behave identically). `GET /` lists
 * the endpoints as JSON. The host name is `corsight-lab.test` (a reserved `.test` name): scanners reach
 * it with `--resolve corsight-lab.test:127.0.0.1`, never an /etc/hosts edit, and over https accept the
 * lab's self-signed, lab-only certificate with `--insecure`.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { labCertificate, labPrivateKey } from './certs/index.js';
import { createLabAppHandler, LAB_APP_PREFIX, type LabAppRequest } from './app.js';
import { LAB_DOMAIN, labEndpoints, type LabEndpoint, type LabEndpointImpl, type LabRequest } from './endpoints.js';

/** Options of {@link startLab}. */
export interface LabOptions {
  /** Port of the http server; 0 (default) picks a free one. */
  port?: number;
  /** Port of the https server; 0 (default) picks a free one. */
  httpsPort?: number;
  /** Address to listen on; default 127.0.0.1 (the lab never listens beyond loopback unless told). */
  host?: string;
}

/** A running lab. */
export interface Lab {
  /** `http://corsight-lab.test:<port>` */
  httpUrl: string;
  /** `https://corsight-lab.test:<port>` */
  httpsUrl: string;
  /** The lab's host name. */
  hostname: string;
  /** `HOST:ADDRESS` entries for `--resolve`. */
  resolve: string[];
  /** The endpoints and what a scan must report on each (for the https URLs). */
  endpoints: LabEndpoint[];
  /**
   * The lab application's page (`http://127.0.0.1:<port>/app/`): it logs in and calls an API, one endpoint of which
   * is misconfigured (see app.ts). Open it in a browser and record a HAR to try `scan --har`.
   */
  appUrl: string;
  /** What reached the lab application, in order. */
  appRequests: LabAppRequest[];
  /**
   * `count` https target URLs cycling through the endpoints as numbered copies (`/t/<n><path>`), for
   * benchmarks; pass `scheme: 'http'` for the http server.
   */
  targets(count: number, scheme?: 'http' | 'https'): string[];
  close(): Promise<void>;
}

const byPath = new Map<string, LabEndpointImpl>(labEndpoints.map((e) => [e.path, e]));

/** Resolves a request path (query ignored) to an endpoint, numbered copies included. */
export function endpointFor(pathname: string): LabEndpointImpl | undefined {
  const direct = byPath.get(pathname);
  if (direct !== undefined) return direct;
  const copy = /^\/t\/\d{1,9}(\/.*)$/.exec(pathname);
  const inner = copy?.[1];
  return inner !== undefined ? byPath.get(inner) : undefined;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function handler(secure: boolean): http.RequestListener {
  const scheme = secure ? 'https' : 'http';
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname === '/') {
      const body = JSON.stringify(
        labEndpoints.map(({ path, expected, description, secureControl, origins }) => ({
          path,
          expected,
          description,
          secureControl,
          ...(origins !== undefined ? { origins } : {}),
        })),
        null,
        2,
      );
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const endpoint = endpointFor(pathname);
    if (endpoint === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
      res.end('not found\n');
      return;
    }
    const request: LabRequest = {
      method: req.method ?? 'GET',
      origin: header(req, 'origin'),
      requestMethod: header(req, 'access-control-request-method'),
      requestHeaders: header(req, 'access-control-request-headers'),
      requestPrivateNetwork: header(req, 'access-control-request-private-network'),
      cookie: header(req, 'cookie'),
      ownOrigin: `${scheme}://${req.headers.host ?? LAB_DOMAIN}`,
    };
    const answer = endpoint.handle(request);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    res.statusCode = answer.status;
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function validPort(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`${name} must be an integer from 0 to 65535, got ${String(value)}`);
  }
  return value;
}

/** Starts the lab's http and https servers. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const host = options.host ?? '127.0.0.1';
  const port = validPort('port', options.port);
  const httpsPort = validPort('httpsPort', options.httpsPort);
  // The lab application answers its own paths (/app/...); the endpoints everything else.
  const app = createLabAppHandler();
  const withApp = (endpoints: http.RequestListener): http.RequestListener => {
    return (req, res) => {
      if (app.handle(req, res)) return;
      endpoints(req, res);
    };
  };
  const plain = http.createServer({ keepAliveTimeout: 30_000 }, withApp(handler(false)));
  const secure = https.createServer(
    { cert: labCertificate, key: labPrivateKey, keepAliveTimeout: 30_000 },
    withApp(handler(true)),
  );
  let boundHttp: number;
  let boundHttps: number;
  try {
    boundHttp = await listen(plain, port, host);
    boundHttps = await listen(secure, httpsPort, host);
  } catch (error) {
    plain.close();
    secure.close();
    throw error;
  }
  const address = host.includes(':') ? `[${host}]` : host;
  const httpUrl = `http://${LAB_DOMAIN}:${boundHttp}`;
  const httpsUrl = `https://${LAB_DOMAIN}:${boundHttps}`;
  const endpoints = labEndpoints.map(({ path, expected, description, secureControl, origins }) => ({
    path,
    expected: [...expected],
    description,
    secureControl,
    ...(origins !== undefined ? { origins: [...origins] } : {}),
  }));
  return {
    httpUrl,
    httpsUrl,
    hostname: LAB_DOMAIN,
    resolve: [`${LAB_DOMAIN}:${address}`],
    endpoints,
    // By address, so a browser opens it with no host mapping (the application does not read the Host name).
    appUrl: `http://${address}:${boundHttp}${LAB_APP_PREFIX}/`,
    appRequests: app.requests,
    targets(count, scheme = 'https') {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`count must be a non-negative integer, got ${String(count)}`);
      }
      const base = scheme === 'https' ? httpsUrl : httpUrl;
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const endpoint = labEndpoints[i % labEndpoints.length];
        if (endpoint !== undefined) out.push(`${base}/t/${i}${endpoint.path}`);
      }
      return out;
    },
    async close() {
      const closing = [plain, secure].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      plain.closeAllConnections();
      secure.closeAllConnections();
      await Promise.all(closing);
    },
  };
}
