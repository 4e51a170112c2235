/**
 * The page servers: two HTTPS listeners and two plain-HTTP listeners on 127.0.0.1 that serve the same test page
 * for any host name (`--host-resolver-rules` sends every `*.test` name here), so one port hosts many origins.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PAGE_HTML } from './browser.js';
import type { PagePorts } from './cases.js';
import { tls } from './servers.js';

const servePage: RequestListener = (_req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(PAGE_HTML);
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts the four page servers; returns their ports and a closer. */
export async function startPageServers(): Promise<{ ports: PagePorts; close(): Promise<void> }> {
  const servers: Server[] = [
    createHttpsServer(tls, servePage),
    createHttpsServer(tls, servePage),
    createHttpServer(servePage),
    createHttpServer(servePage),
  ];
  const [main, other, local, local2] = await Promise.all(servers.map(listen));
  return {
    ports: { main: main!, other: other!, local: local!, local2: local2! },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
