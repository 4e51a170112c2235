/**
 * Test servers for the net layer: real sockets on 127.0.0.1, port 0. `httpServer` / `httpsServer` wrap a
 * Node handler; `rawServer` hands over the socket for what Node's server would never send (interim 100s,
 * a `000` status line, resets). Each tracks its sockets so `close()` never hangs on a kept-alive connection.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export const tls = {
  key: readFileSync(new URL('./self-signed.key', import.meta.url)),
  cert: readFileSync(new URL('./self-signed.crt', import.meta.url)),
};

export interface TestServer {
  port: number;
  /** http(s)://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

function track(server: net.Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  const add = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', add);
  server.on('secureConnection', add);
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: net.Server, scheme: string): Promise<TestServer> {
  const close = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `${scheme}://127.0.0.1:${port}`, close };
}

export function httpServer(handler: http.RequestListener): Promise<TestServer> {
  return listen(http.createServer({ keepAliveTimeout: 5000 }, handler), 'http');
}

export function httpsServer(handler: http.RequestListener): Promise<TestServer> {
  return listen(https.createServer({ ...tls, keepAliveTimeout: 5000 }, handler), 'https');
}

export function rawServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  return listen(server, 'http');
}

/**
 * A raw server that answers every request on a connection (keep-alive) with `answer`, written in `parts`
 * with a short pause between them, so a response can be split at any byte.
 */
export function scriptedServer(answer: (request: number) => string | string[]): Promise<TestServer> {
  let requests = 0;
  return rawServer((socket) => {
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      void (async () => {
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          const script = answer(requests++);
          for (const part of Array.isArray(script) ? script : [script]) {
            socket.write(part);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      })();
    });
  });
}

/** A port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A reflecting CORS handler: echoes Origin with credentials, as the classic vulnerable server does. */
export const reflecting: http.RequestListener = (req, res) => {
  if (req.headers.origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  res.end('{"secret":"s3cr3t"}');
};
