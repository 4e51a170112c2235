/**
 * The stand-in: loopback servers that serve the pages of any origin a browser run needs (the origin `explain
 * --browser` explains, the attacker's origins of `scan --confirm`), so the page really has that origin while
 * nothing is served from the network. Chromium reaches it through a host-resolver rule that maps exactly the
 * origin's `host:port` (./host-resolver-rules.ts), and accepts its certificate through an SPKI pin of a key made
 * for this run (./certificate.ts); the target keeps its real address and its certificate is still verified.
 *
 * Chromium does not ask its resolver about an IP literal (nor, reliably, about `localhost`), so for such an
 * origin the stand-in must own that very loopback address and port.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { createSelfSignedCertificate, type StandInCertificate } from './certificate.js';
import { hostPattern, mapRule } from './host-resolver-rules.js';

/** One request the stand-in answered. */
export interface StandInRequest {
  /** The Host header as sent. */
  host: string;
  /** The request-target (path and query). */
  url: string;
  tls: boolean;
}

/** A loopback address and port the stand-in listens on. */
export interface StandInEndpoint {
  address: string;
  port: number;
  family: 4 | 6;
}

/** How a browser reaches the stand-in as one origin. */
export interface StandInOrigin {
  /** The origin the page will have: the one asked for, or for `null` a loopback origin to hold the opaque frame. */
  origin: string;
  /** Host-resolver rules the browser needs (none when the stand-in owns the origin's own address). */
  rules: string[];
  /** Where the browser will connect. */
  endpoint: StandInEndpoint;
}

/** Options of {@link startStandIn}. */
export interface StandInOptions {
  /** Default: a fresh self-signed certificate. */
  certificate?: StandInCertificate;
  /**
   * An origin whose host is `localhost`: `'bind'` (default) listens on 127.0.0.1 at its very port, as for an IP
   * literal; `'map'` maps it like any host name, so a busy port (a developer's own server on :3000) is no obstacle.
   */
  localhost?: 'bind' | 'map';
}

/** The running stand-in. */
export interface StandIn {
  readonly certificate: StandInCertificate;
  /** Every request answered, in arrival order. */
  readonly requests: readonly StandInRequest[];
  /** Serves `html` at the absolute URL `url` (scheme, host, port and path must match; anything else is a 404). */
  serve(url: string, html: string): void;
  /** Stops serving `url`. */
  withdraw(url: string): void;
  /** Makes the stand-in reachable as `origin` (a serialized origin, or `null`). */
  standFor(origin: string): Promise<StandInOrigin>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, address: string): Promise<StandInEndpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      resolve({ address: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 6 : 4 });
    });
  });
}

function pageKey(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/** Starts the stand-in's plain and TLS listeners on 127.0.0.1 (ephemeral ports). */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const certificate = options.certificate ?? createSelfSignedCertificate();
  const pages = new Map<string, string>();
  const requests: StandInRequest[] = [];
  const handler = (tls: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    const url = req.url ?? '';
    requests.push({ host, url, tls });
    const key = pageKey(`${tls ? 'https' : 'http'}://${host}${url}`);
    const page = key === undefined ? undefined : pages.get(key);
    if (page === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not a page corsight serves\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(page);
  };
  const create = (tls: boolean): Server =>
    tls
      ? createHttpsServer({ cert: certificate.cert, key: certificate.key }, handler(true))
      : createHttpServer(handler(false));
  const servers: Server[] = [];
  const start = async (tls: boolean, port: number, address: string) => {
    const server = create(tls);
    const endpoint = await listen(server, port, address);
    servers.push(server);
    return endpoint;
  };
  const plain = await start(false, 0, '127.0.0.1');
  const secure = await start(true, 0, '127.0.0.1');
  /** Listeners owning an origin's own address, by origin. */
  const owned = new Map<string, StandInEndpoint>();

  async function standFor(origin: string): Promise<StandInOrigin> {
    if (origin === 'null') return { origin: `http://127.0.0.1:${plain.port}`, rules: [], endpoint: plain };
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`cannot stand in for origin ${origin}: it is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`cannot stand in for origin ${origin}: only http and https origins are served`);
    }
    const tls = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
    if (isIP(host) === 0 && !(host === 'localhost' && options.localhost !== 'map')) {
      const endpoint = tls ? secure : plain;
      return {
        origin: url.origin,
        rules: [mapRule(hostPattern(host, port), endpoint.address, endpoint.port)],
        endpoint,
      };
    }
    const address = host === 'localhost' ? '127.0.0.1' : host;
    if (!(address.startsWith('127.') || address === '::1')) {
      throw new Error(`cannot stand in for origin ${origin}: its host is a non-loopback IP address`);
    }
    let endpoint = owned.get(url.origin);
    if (endpoint === undefined) {
      try {
        endpoint = await start(tls, port, address);
      } catch (error) {
        throw new Error(
          `cannot stand in for origin ${origin}: port ${port} on ${address} is not free (${(error as Error).message})`,
        );
      }
      owned.set(url.origin, endpoint);
    }
    return { origin: url.origin, rules: [], endpoint };
  }

  return {
    certificate,
    requests,
    serve(url, html) {
      const key = pageKey(url);
      if (key === undefined) throw new Error(`the stand-in cannot serve '${url}': not a URL`);
      pages.set(key, html);
    },
    withdraw(url) {
      const key = pageKey(url);
      if (key !== undefined) pages.delete(key);
    },
    standFor,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => {
                resolve();
              });
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
