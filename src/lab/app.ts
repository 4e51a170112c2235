/**
 * `startLabApp`: a small web application for assessing an application end to end (record a HAR in a browser, scan
 * it): a page that logs in and then calls a JSON API with its session cookie and a CSRF token, the way a real front
 * end does. One endpoint is misconfigured; the others are the secure controls.
 *
 * Paths below are under `/app` (so the lab server serves the application beside its endpoints):
 *
 * - `GET /app/`: the page. Its script logs in, reads the profile, adds a note, deletes one, loads an image and a
 *   third-party script (from `cdn.corsight-lab.test`, another host: out of a HAR's default scope).
 * - `POST /api/login` (JSON): sets `session` (HttpOnly) and returns `{ "csrf": ... }`.
 * - `GET /api/profile`: behind the session. Misconfigured: reflects any Origin with credentials, so any site can
 *   read the logged-in user's profile. Without a session it answers 401 with no CORS headers: only a scan that
 *   carries the session sees the hole.
 * - `POST /api/notes`, `DELETE /api/notes/<id>`: behind the session and the `X-CSRF-Token` header (non-simple
 *   requests, preflighted). Secure: only the application's own origin is allowed, preflights included.
 * - `GET /logo.png`: a binary body (a HAR carries it base64-encoded).
 *
 * Listens on 127.0.0.1 only. `requests` records what reached the server (method, path, Origin, the preflight's
 * Access-Control-Request-* headers, whether a session came with it), so tests can check what a scan really sent.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the application lives on a server. */
export const LAB_APP_PREFIX = '/app';
/** The host the page loads its third-party script from (a reserved `.test` name, mapped to loopback). */
export const LAB_APP_THIRD_PARTY_HOST = 'cdn.corsight-lab.test';

/** One request as the application saw it. */
export interface LabAppRequest {
  method: string;
  path: string;
  origin?: string;
  requestMethod?: string;
  requestHeaders?: string;
  /** The request carried a valid session cookie. */
  session: boolean;
  csrf?: string;
}

/** A running lab application. */
export interface LabApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The page: `http://127.0.0.1:<port>/app/`. */
  pageUrl: string;
  /**
   * The third-party host the page loads a script from (`cdn.corsight-lab.test`, the same server): a browser
   * reaches it with a host mapping to 127.0.0.1.
   */
  thirdPartyHost: string;
  /** The user and password the page logs in with. */
  credentials: { user: string; password: string };
  /** Every request received, in order. */
  requests: LabAppRequest[];
  close(): Promise<void>;
}

// A 1x1 transparent PNG: a real binary body.
const logo = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function page(thirdParty: string, prefix: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>notes</title></head>
<body><h1>Notes</h1><img src="${prefix}/logo.png" alt="">
<script type="module">
const json = { 'Content-Type': 'application/json' };
const login = await fetch('${prefix}/api/login', { method: 'POST', headers: json, body: JSON.stringify({ user: 'alice', password: 'wonderland' }) });
const { csrf } = await login.json();
const profile = await (await fetch('${prefix}/api/profile')).json();
await fetch('${prefix}/api/notes', { method: 'POST', headers: { ...json, 'X-CSRF-Token': csrf }, body: JSON.stringify({ text: 'hello ' + profile.name }) });
await fetch('${prefix}/api/notes/1', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } });
await new Promise((resolve) => {
  const script = document.createElement('script');
  script.src = location.protocol + '//' + ${JSON.stringify(thirdParty)} + (location.port ? ':' + location.port : '') + ${JSON.stringify(`${prefix}/cdn/analytics.js`)};
  script.onload = script.onerror = resolve;
  document.head.append(script);
});
document.title = 'done';
</script></body></html>
`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The application's state and request handler, for a server of its own or the lab server's `/app` paths. */
export interface LabAppHandler {
  /** Handles `req` when its path is the application's (under {@link LAB_APP_PREFIX}); returns false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Every request the application received, in order. */
  requests: LabAppRequest[];
}

/** Creates the application's handler (sessions live as long as it does). */
export function createLabAppHandler(prefix: string = LAB_APP_PREFIX): LabAppHandler {
  const sessions = new Map<string, string>();
  const requests: LabAppRequest[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const full = (req.url ?? '/').split('?')[0] ?? '/';
    if (full !== prefix && !full.startsWith(`${prefix}/`)) return false;
    const path = full.slice(prefix.length) || '/';
    const origin = single(req.headers.origin);
    const token = cookieValue(single(req.headers.cookie), 'session');
    const csrf = token === undefined ? undefined : sessions.get(token);
    const seen: LabAppRequest = { method: req.method ?? 'GET', path, session: csrf !== undefined };
    if (origin !== undefined) seen.origin = origin;
    const acrm = single(req.headers['access-control-request-method']);
    const acrh = single(req.headers['access-control-request-headers']);
    if (acrm !== undefined) seen.requestMethod = acrm;
    if (acrh !== undefined) seen.requestHeaders = acrh;
    const sentCsrf = single(req.headers['x-csrf-token']);
    if (sentCsrf !== undefined) seen.csrf = sentCsrf;
    requests.push(seen);
    // The application's own origin: the only one its API trusts (the secure endpoints).
    const own = `http://${req.headers.host ?? ''}`;
    const send = (status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const sendJson = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) =>
      send(status, JSON.stringify(value), { 'Content-Type': 'application/json', ...headers });
    // Drain any body (the page's JSON) before answering.
    req.resume();
    req.on('end', () => {
      const trusted: http.OutgoingHttpHeaders =
        origin === own
          ? { 'Access-Control-Allow-Origin': own, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
          : { Vary: 'Origin' };
      if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        send(200, page(LAB_APP_THIRD_PARTY_HOST, prefix), { 'Content-Type': 'text/html; charset=utf-8' });
      } else if (path === '/logo.png') {
        send(200, logo, { 'Content-Type': 'image/png' });
      } else if (path === '/cdn/analytics.js') {
        send(200, 'window.analytics = true;\n', { 'Content-Type': 'text/javascript' });
      } else if (path === '/api/login' && req.method === 'POST') {
        const session = randomBytes(16).toString('hex');
        const token = randomBytes(16).toString('hex');
        sessions.set(session, token);
        sendJson(200, { csrf: token }, { 'Set-Cookie': `session=${session}; Path=/; HttpOnly; SameSite=Lax` });
      } else if (path === '/api/profile' && (req.method === 'GET' || req.method === 'HEAD')) {
        if (csrf === undefined) {
          sendJson(401, { error: 'log in first' });
          return;
        }
        // The bug: whatever Origin asks is trusted, with the session's cookies.
        const reflect: http.OutgoingHttpHeaders =
          origin === undefined
            ? {}
            : { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
        sendJson(200, { name: 'alice', email: 'alice@example.test' }, reflect);
      } else if ((path === '/api/notes' || /^\/api\/notes\/\d+$/.test(path)) && req.method === 'OPTIONS') {
        const allowed: http.OutgoingHttpHeaders =
          origin === own
            ? {
                ...trusted,
                'Access-Control-Allow-Methods': 'POST, DELETE',
                'Access-Control-Allow-Headers': 'content-type, x-csrf-token',
              }
            : trusted;
        send(204, '', allowed);
      } else if (path === '/api/notes' || /^\/api\/notes\/\d+$/.test(path)) {
        if (csrf === undefined || sentCsrf !== csrf) {
          sendJson(csrf === undefined ? 401 : 403, { error: 'log in first, with the CSRF token' }, trusted);
          return;
        }
        if (req.method === 'POST' && path === '/api/notes') sendJson(201, { id: 2 }, trusted);
        else if (req.method === 'DELETE' && path !== '/api/notes') send(204, '', trusted);
        else sendJson(405, { error: 'method not allowed' }, trusted);
      } else {
        sendJson(404, { error: 'not found' });
      }
    });
    return true;
  };
  return { handle, requests };
}

/** Starts the lab application on a server of its own on 127.0.0.1 (port 0 picks a free one). */
export async function startLabApp(options: { port?: number } = {}): Promise<LabApp> {
  const credentials = { user: 'alice', password: 'wonderland' };
  const app = createLabAppHandler();
  const server = http.createServer((req, res) => {
    if (!app.handle(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pageUrl: `http://127.0.0.1:${port}${LAB_APP_PREFIX}/`,
    thirdPartyHost: LAB_APP_THIRD_PARTY_HOST,
    credentials,
    requests: app.requests,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
