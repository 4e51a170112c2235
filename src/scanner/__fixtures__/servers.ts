/**
 * Test servers for the scanner runtime: real sockets on 127.0.0.1, port 0 (from src/net's fixtures:
 * `httpServer` / `httpsServer` wrap a Node handler; `rawServer` hands over the socket for hostile behaviour), a
 * reflecting CORS handler and two minimal checks.
 */
import type http from 'node:http';
import type { Check, Finding, ProbeContext } from '../types.js';

// The sockets-tracking loopback servers are the net layer's fixtures; the scanner adds its own CORS handler
// and minimal checks on top.
export {
  closedPort,
  httpServer,
  httpsServer,
  rawServer,
  tls,
  type TestServer,
} from '../../net/__fixtures__/servers.js';

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
