/**
 * A deliberately small HTTP/1.1 server over raw sockets (plain or TLS), written for the differential test.
 *
 * Why not `node:http`: its parser (llhttp) only accepts a fixed set of upper-case methods, so Chromium's
 * `patch` or `FOO` requests would be refused with 400 before reaching the test, and its response writer adds
 * `Date`, `Keep-Alive` and validates values. Here the request line and header lines are logged exactly as
 * received and the answer goes out byte for byte as ./respond.ts produced it (values as latin1 bytes).
 */
import net from 'node:net';
import tls from 'node:tls';
import { STATUS_CODES } from 'node:http';
import { caseKeyOf } from './spec.js';
import type { HeaderLine } from './spec.js';
import type { Reply } from './respond.js';

/** One request as the server received it. */
export interface LoggedRequest {
  /** Arrival order over the whole run. */
  seq: number;
  /** Milliseconds since the log was created. */
  at: number;
  scheme: 'http' | 'https';
  port: number;
  method: string;
  /** The request-target as sent (origin-form path + query). */
  target: string;
  /** scheme://Host + target. */
  url: string;
  /**
   * Header lines in order, names as sent, values with surrounding whitespace removed
   * (https://www.rfc-editor.org/rfc/rfc9112#section-5).
   */
  headers: HeaderLine[];
  /** Case key and hop index when `url` is a case URL. */
  key?: string;
  hop?: number;
  /** The status answered (599 = the harness refused the request: see respond.ts). */
  status?: number;
}

/** Every request every wire server saw, in arrival order, indexed by case key. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  readonly #byKey = new Map<string, LoggedRequest[]>();
  readonly #start = Date.now();

  /** Appends an entry, stamping order and time. */
  add(entry: Omit<LoggedRequest, 'seq' | 'at'>): LoggedRequest {
    const full: LoggedRequest = { ...entry, seq: this.entries.length, at: Date.now() - this.#start };
    this.entries.push(full);
    if (full.key !== undefined) {
      const list = this.#byKey.get(full.key) ?? [];
      list.push(full);
      this.#byKey.set(full.key, list);
    }
    return full;
  }

  /** Milliseconds since the log was created (the clock of `LoggedRequest.at`). */
  now(): number {
    return Date.now() - this.#start;
  }

  /** The requests of one case, in arrival order. */
  forKey(key: string): LoggedRequest[] {
    return this.#byKey.get(key) ?? [];
  }
}

/** A running listener. */
export interface WireServer {
  scheme: 'http' | 'https';
  port: number;
  close(): Promise<void>;
}

const MAX_HEAD = 256 * 1024;

/** Serialises a reply exactly; HEAD replies keep their headers but carry no body. */
export function serializeReply(reply: Reply, method: string): Buffer {
  let head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Status'}\r\n`;
  for (const [n, v] of reply.headers) head += `${n}: ${v}\r\n`;
  head += '\r\n';
  const body = method === 'HEAD' ? '' : reply.body;
  return Buffer.from(head + body, 'latin1');
}

/**
 * Parses one request head (request line + header lines, without the final blank line).
 * Returns null if it is not HTTP/1.x.
 */
export function parseHead(head: string): { method: string; target: string; headers: HeaderLine[] } | null {
  const lines = head.split('\r\n');
  const m = /^([^ ]+) ([^ ]+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return null;
  const headers: HeaderLine[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return { method: m[1]!, target: m[2]!, headers };
}

/**
 * Starts a listener on 127.0.0.1 (port 0 = any). Every request is logged, then answered with
 * `handler(method, url, headers)`.
 */
export async function startWireServer(options: {
  log: RequestLog;
  handler: (method: string, url: string, headers: HeaderLine[]) => Reply;
  tls?: { key: string; cert: string };
  port?: number;
}): Promise<WireServer> {
  const scheme = options.tls ? 'https' : 'http';
  const sockets = new Set<net.Socket>();
  let port = 0;

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEAD) socket.destroy();
          return;
        }
        const parsed = parseHead(buf.subarray(0, end).toString('latin1'));
        if (!parsed) {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        const lengthLine = parsed.headers.find(([n]) => n.toLowerCase() === 'content-length');
        const bodyLength = lengthLine ? Number(lengthLine[1]) : 0;
        if (parsed.headers.some(([n]) => n.toLowerCase() === 'transfer-encoding')) {
          // Streaming uploads are not part of the harness (Chromium only streams over HTTP/2).
          socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        if (buf.length < end + 4 + bodyLength) return;
        buf = buf.subarray(end + 4 + bodyLength);
        const host = parsed.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? `127.0.0.1:${port}`;
        const url = /^[a-z]+:\/\//i.test(parsed.target) ? parsed.target : `${scheme}://${host}${parsed.target}`;
        const where = caseKeyOf(url) ?? undefined;
        const entry = options.log.add({
          scheme,
          port,
          method: parsed.method,
          target: parsed.target,
          url,
          headers: parsed.headers,
          ...where,
        });
        const reply = options.handler(parsed.method, url, parsed.headers);
        entry.status = reply.status;
        socket.write(serializeReply(reply, parsed.method));
        const connection = parsed.headers.find(([n]) => n.toLowerCase() === 'connection')?.[1] ?? '';
        if (/close/i.test(connection)) {
          socket.end();
          return;
        }
      }
    });
  };

  const server = options.tls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onConnection)
    : net.createServer(onConnection);
  // TLS handshake failures (e.g. a client that refuses the certificate) must not crash the run.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  return {
    scheme,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
