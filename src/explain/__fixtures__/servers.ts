/**
 * Loopback servers for the explain tests: each path answers with a fixed status and raw header
 * lines (repeated names allowed), per method, with `{origin}` replaced by the request's Origin. Every
 * request is logged so tests can check what went on the wire.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer. */
export interface Answer {
  status?: number;
  headers?: [string, string][];
}

/** Per path: the answer to OPTIONS (`preflight`) and to everything else (`actual`). */
export interface Route {
  preflight?: Answer;
  actual?: Answer;
}

/** A received request. */
export interface Logged {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A running loopback server. */
export interface RouteServer {
  url: string;
  log: Logged[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an ephemeral port answering from `routes`. */
export async function startRoutes(routes: Record<string, Route>): Promise<RouteServer> {
  const log: Logged[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    log.push({ method: req.method ?? '', path, headers: req.headers });
    const route = routes[path];
    const answer =
      route === undefined
        ? { status: 404 }
        : req.method === 'OPTIONS'
          ? (route.preflight ?? { status: 405 })
          : (route.actual ?? { status: 200 });
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : '';
    const flat: string[] = [];
    for (const [n, v] of answer.headers ?? []) flat.push(n, v.replaceAll('{origin}', origin));
    res.writeHead(answer.status ?? 200, flat);
    res.end(req.method === 'HEAD' ? undefined : 'body');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
