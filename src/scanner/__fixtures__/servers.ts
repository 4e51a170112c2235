/**
 * Test servers for the scanner runtime: real sockets on 127.0.0.1, port 0. `httpServer` / `httpsServer` wrap a
 * Node handler; `rawServer` hands over the socket for hostile behaviour (silence, trickling bytes, resets,
 * malformed answers). Each tracks its sockets so `close()` never hangs on a connection the scanner left open.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Check, Finding, ProbeContext } from '../types.js';

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
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
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
    res.setHeader('Access-Control-Allow-Methods', req.headers['access-control-request-method'] ?? 'GET');
    res.statusCode = 204;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end('{"secret":"s3cr3t"}');
};

function finding(
  ctx: ProbeContext,
  check: Finding['check'],
  origin: string,
  evidence: Finding['evidence'],
  via: Finding['via'],
): Finding {
  return {
    check,
    severity: 'high',
    title: `${check} on ${ctx.url.host}`,
    detail: `The server trusts ${origin}.`,
    attackerOrigin: origin,
    via,
    rule: 'reflects any origin',
    evidence,
    poc: `<script>fetch(${JSON.stringify(ctx.url.href)},{credentials:'include'})</script>`,
  };
}

/**
 * A real, minimal check for runtime tests (the production checks live in src/scanner/checks/): sends a simple
 * probe with an attacker origin and reports when the ACAO echoes it.
 */
export const reflectionCheck: Check = {
  id: 'origin-reflected',
  title: 'Origin reflected (test fixture)',
  kind: 'trust',
  confirmable: true,
  definition: 'The server copies any Origin into Access-Control-Allow-Origin.',
  async run(ctx) {
    const origin = 'https://attacker-corsight.example';
    const exchange = await ctx.send({ method: ctx.method, origin });
    const acao = exchange.response.headers.find(([name]) => name.toLowerCase() === 'access-control-allow-origin');
    return acao?.[1] === origin
      ? { outcome: 'finding', findings: [finding(ctx, 'origin-reflected', origin, exchange, 'simple')] }
      : { outcome: 'clear', findings: [] };
  },
};

/** A second fixture check sending a preflight and the same simple probe as `reflectionCheck` (to test sharing). */
export const preflightCheck: Check = {
  id: 'permissive-preflight',
  title: 'Permissive preflight (test fixture)',
  kind: 'hygiene',
  confirmable: false,
  definition: 'The preflight grants a non-safelisted method to an untrusted origin.',
  async run(ctx) {
    const origin = 'https://attacker-corsight.example';
    await ctx.send({ method: ctx.method, origin });
    const exchange = await ctx.send({
      method: 'OPTIONS',
      origin,
      headers: [
        ['Access-Control-Request-Method', 'PUT'],
        ['Access-Control-Request-Headers', 'authorization'],
      ],
    });
    const acam = exchange.response.headers.find(([name]) => name.toLowerCase() === 'access-control-allow-methods');
    if (acam?.[1] !== 'PUT') return { outcome: 'clear', findings: [] };
    return {
      outcome: 'finding',
      findings: [{ ...finding(ctx, 'permissive-preflight', origin, exchange, 'preflight'), severity: 'medium' }],
    };
  },
};
