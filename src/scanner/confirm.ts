/**
 * `corsight scan --confirm`: runs each exploitable finding's PoC in headless Chromium, from the attacker's
 * origin, and records whether the browser really let the page read the target's response.
 *
 * How nothing leaves the machine but the requests to the target:
 * - The attacker origin is served locally: two loopback servers (http and https) hold the PoC pages, and Chromium's
 *   `--host-resolver-rules` maps exactly the attacker's `host:port` to it. Rules are matched against the
 *   host and against `host:port` (Chromium net/base/host_mapping_rules.cc), so `http://target.tld` (an
 *   attacker origin of the insecure-origin check) can be mapped while `https://target.tld` still reaches
 *   the target.
 * - The target keeps its own address (the one `--resolve` gives, else the system resolver's), mapped
 *   explicitly; a final `MAP * ~NOTFOUND` makes every other host name unresolvable, so neither the page nor
 *   the browser itself can reach anything else.
 * - The browser runs with a fresh profile in a temporary directory (removed afterwards), with background
 *   networking, component updates and sync off.
 *
 * Cookies given with `--cookie` are set on the target's site in that profile. The profile is a regular
 * (not off-the-record) one that allows third-party cookies, as Chrome's default windows do: otherwise
 * Chromium would not send them on a cross-site request at all, and a confirmation would say less than
 * the severity model. On https targets they are `SameSite=None; Secure` (a session cookie meant to travel
 * cross-site); on http targets `SameSite=Lax`, since Chromium refuses `None` without `Secure`.
 *
 * Preflight findings make the non-simple request the PoC makes (e.g. a credentialed PUT): `--confirm`
 * sends it, which may change state on the target, as the PoC page warns.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIP, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { labCertificate, labPrivateKey } from '../lab/certs/index.js';
import type { Confirmation, Finding, TargetResult } from './types.js';
import { chromiumPath, chromiumSwitches, requireChromium } from '../chromium/index.js';

export { ChromiumMissingError, chromiumPath, defaultChromiumPath } from '../chromium/index.js';

/**
 * Checks that hygiene findings never reach the browser: an invalid ACAO, `*` with credentials or a missing
 * `Vary: Origin` are not reads a page can make, whatever the response allows otherwise.
 */
const hygieneChecks: ReadonlySet<string> = new Set([
  'invalid-acao',
  'wildcard-with-credentials',
  'missing-vary-origin',
]);

/**
 * Whether `--confirm` attempts the finding: the browser model says the attacker's page can read the
 * response (with or without credentials), and the finding is not a hygiene finding.
 */
export function isExploitable(finding: Finding): boolean {
  if (hygieneChecks.has(finding.check)) return false;
  return finding.access === 'read' || finding.access === 'credentialed-read';
}

/** Options of {@link createConfirmer}. */
export interface ConfirmOptions {
  /** Chromium executable (default {@link chromiumPath}). */
  executablePath?: string;
  /** `--cookie` value, `a=b; c=d`: set on the target's site in the browser profile. */
  cookie?: string;
  /** `--resolve` entries (`HOST:ADDRESS`): the browser connects to ADDRESS for HOST, as the scan did. */
  resolve?: readonly string[];
  /** How long a PoC may take to report (default 15 000 ms). */
  timeoutMs?: number;
  /** `--insecure`: the browser accepts any certificate of the target too (otherwise only the attacker servers' own). */
  insecure?: boolean;
}

/** The attacker servers' TLS key pair and the base64 SHA-256 of its SubjectPublicKeyInfo (Chromium's pin format). */
interface AttackerCertificate {
  cert: string;
  key: string;
  spki: string;
  /** 'ephemeral': made for this run with openssl; 'lab': the lab's published certificate (openssl missing). */
  kind: 'ephemeral' | 'lab';
}

/**
 * A certificate for the attacker servers. Chromium is told to accept exactly this key
 * (`--ignore-certificate-errors-spki-list`), so the target's certificate is still verified unless
 * `--insecure`. A fresh key per run (openssl) means no one else holds it; without openssl the lab's
 * certificate is used, whose key is public (then a network attacker could pass for the target too).
 */
function attackerCertificate(): AttackerCertificate {
  let cert = labCertificate;
  let key = labPrivateKey;
  let kind: AttackerCertificate['kind'] = 'lab';
  const dir = mkdtempSync(path.join(tmpdir(), 'corsight-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=corsight attacker origin',
      ],
      { stdio: 'ignore', timeout: 10_000 },
    );
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
    kind = 'ephemeral';
  } catch {
    // No openssl: fall back to the lab's certificate (see above).
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const spki = createHash('sha256')
    .update(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return { cert, key, spki, kind };
}

/** One request the local attacker server answered (for tests and audits). */
export interface AttackerRequest {
  host: string;
  url: string;
  tls: boolean;
}

/** Runs PoCs of one target at a time in headless Chromium. */
export interface Confirmer {
  /** Sets `confirmation` on every exploitable finding of the result (others are left untouched). */
  confirm(result: TargetResult): Promise<TargetResult>;
  /** Requests the local attacker server answered. */
  readonly attackerRequests: readonly AttackerRequest[];
  /** Every request a PoC page made (URL), in the order Chromium issued them. */
  readonly browserRequests: readonly string[];
  /** Where the attacker servers' certificate came from (see `attackerCertificate`). */
  readonly certificate: 'ephemeral' | 'lab';
  close(): Promise<void>;
}

/** The attacker's origin host and effective port, or undefined for `null` (served from any host). */
function hostPort(origin: string): { host: string; port: number; secure: boolean } | undefined {
  if (origin === 'null') return undefined;
  const url = new URL(origin);
  const secure = url.protocol === 'https:';
  return { host: url.hostname, port: url.port === '' ? (secure ? 443 : 80) : Number(url.port), secure };
}

/** Where the page of an opaque-origin (`null`) PoC is served from: any origin works, the frame is sandboxed. */
const nullPocOrigin = 'https://poc.corsight-attacker.com';

/** Loopback servers for the attacker origin's pages: one plain HTTP, one HTTPS. */
async function startAttackerServer(
  pages: Map<string, string>,
  log: AttackerRequest[],
  tls: { cert: string; key: string },
): Promise<{ httpPort: number; httpsPort: number; close(): Promise<void> }> {
  const handler = (tls: boolean) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const host = req.headers.host ?? '';
    log.push({ host, url: req.url ?? '', tls });
    const page = pages.get(`${tls ? 'https' : 'http'}://${host}${req.url ?? ''}`);
    if (page === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not a corsight PoC\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(page);
  };
  const plain = http.createServer(handler(false));
  const secure = https.createServer({ cert: tls.cert, key: tls.key }, handler(true));
  const listen = (server: NetServer) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('attacker server: no port'));
        else resolve(address.port);
      });
    });
  const httpPort = await listen(plain);
  const httpsPort = await listen(secure);
  const close = (server: http.Server | https.Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { httpPort, httpsPort, close: async () => void (await Promise.all([close(plain), close(secure)])) };
}

/** The address the browser must use for the target host: the `--resolve` entry, else the system's. */
async function targetAddress(host: string, resolve: readonly string[]): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  for (const entry of resolve) {
    const at = entry.indexOf(':');
    if (at > 0 && entry.slice(0, at).toLowerCase() === bare.toLowerCase()) {
      return entry.slice(at + 1).replace(/^\[|\]$/g, '');
    }
  }
  if (isIP(bare) !== 0) return bare;
  return (await lookup(bare)).address;
}

/** Chromium's host-resolver rule list: attacker `host:port`s to the local server, the target to its address, nothing else. */
function resolverRules(
  attackers: readonly { host: string; port: number; secure: boolean }[],
  server: { httpPort: number; httpsPort: number },
  target: { host: string; address: string },
): string {
  const rules = attackers.map(
    ({ host, port, secure }) => `MAP ${host}:${port} 127.0.0.1:${secure ? server.httpsPort : server.httpPort}`,
  );
  const address = isIP(target.address) === 6 ? `[${target.address}]` : target.address;
  if (isIP(target.host.replace(/^\[|\]$/g, '')) !== 0) rules.push(`EXCLUDE ${target.host}`);
  else rules.push(`MAP ${target.host} ${address}`);
  rules.push('MAP * ~NOTFOUND');
  return rules.join(', ');
}

/** The cookie pairs of `a=b; c=d`. */
function cookiePairs(cookie: string | undefined): { name: string; value: string }[] {
  if (cookie === undefined) return [];
  return cookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.includes('='))
    .map((part) => {
      const at = part.indexOf('=');
      return { name: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
    });
}

/** Parses what the PoC page printed into a confirmation. */
function outcome(text: string, consoleErrors: readonly string[], url: string, origin: string): Confirmation {
  const cors = consoleErrors.find((message) => /CORS|Access-Control/i.test(message));
  const read = /^Read (\d+) from the target/.exec(text);
  if (read !== null) {
    // The page prints "Read <status> from the target:", a blank line, the headers, a blank line, the body.
    const body = text.split('\n\n').slice(2).join('\n\n');
    const excerpt = body.length > 160 ? `${body.slice(0, 160)}...` : body;
    return {
      confirmed: true,
      detail: `Chromium read the ${read[1]} response of ${url} from ${origin}: ${excerpt.replace(/\s+/g, ' ').trim()}`,
    };
  }
  const confirmation: Confirmation = {
    confirmed: false,
    detail: `Chromium blocked the read from ${origin}: ${text.replace(/^Blocked: /, '').trim()}`,
  };
  if (cors !== undefined) confirmation.corsError = cors;
  return confirmation;
}

/** Starts the local attacker server; Chromium is launched per target (the host mapping is fixed at launch). */
export async function createConfirmer(options: ConfirmOptions = {}): Promise<Confirmer> {
  const executablePath = requireChromium('--confirm', options.executablePath ?? chromiumPath());
  // Loaded only here, so the rest of the scanner never needs playwright-core.
  const { chromium } = await import('playwright-core');
  const pages = new Map<string, string>();
  const attackerRequests: AttackerRequest[] = [];
  const browserRequests: string[] = [];
  const certificate = attackerCertificate();
  const server = await startAttackerServer(pages, attackerRequests, certificate);
  const timeout = options.timeoutMs ?? 15_000;
  let sequence = 0;

  async function confirm(result: TargetResult): Promise<TargetResult> {
    const todo = result.findings.filter(isExploitable);
    if (todo.length === 0) return result;
    const target = new URL(todo[0]?.evidence.request.url ?? result.url);
    const attackers = new Map<string, { host: string; port: number; secure: boolean }>();
    for (const finding of todo) {
      const where = hostPort(finding.attackerOrigin === 'null' ? nullPocOrigin : finding.attackerOrigin);
      if (where !== undefined) attackers.set(`${where.host}:${where.port}`, where);
    }
    let address: string;
    try {
      address = await targetAddress(target.hostname, options.resolve ?? []);
    } catch (error) {
      for (const finding of todo) {
        finding.confirmation = {
          confirmed: false,
          detail: `not attempted: cannot resolve ${target.hostname} (${(error as Error).message})`,
        };
      }
      return result;
    }
    const unmappable = [...attackers.values()].filter(({ host }) => /[\s,]/.test(host));
    for (const bad of unmappable) attackers.delete(`${bad.host}:${bad.port}`);
    const profile = mkdtempSync(path.join(tmpdir(), 'corsight-confirm-'));
    try {
      // A regular profile that allows third-party cookies (see the module comment).
      mkdirSync(path.join(profile, 'Default'));
      writeFileSync(
        path.join(profile, 'Default', 'Preferences'),
        JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
      );
      const context = await chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        ignoreHTTPSErrors: options.insecure === true,
        args: [
          // Accept the attacker servers' own key, nothing else (the target is verified unless --insecure).
          `--ignore-certificate-errors-spki-list=${certificate.spki}`,
          ...chromiumSwitches,
          '--disable-domain-reliability',
          `--host-resolver-rules=${resolverRules([...attackers.values()], server, { host: target.hostname, address })}`,
          // The PoC page is on loopback; a public target is not more private than it, but a target on a
          // private network would make Local Network Access prompt (headless denies). The attack scenario
          // is an attacker's public page, so the check is off. HTTPS Upgrades would turn the navigation to an
          // http attacker origin (insecure-origin-trusted, localhost-trusted) into https: a different origin.
          '--disable-features=LocalNetworkAccessChecks,HttpsUpgrades',
        ],
      });
      try {
        context.on('request', (request) => browserRequests.push(request.url()));
        const cookies = cookiePairs(options.cookie);
        if (cookies.length > 0) {
          const secure = target.protocol === 'https:';
          await context.addCookies(
            cookies.map((cookie) => ({
              ...cookie,
              domain: target.hostname,
              path: '/',
              secure,
              sameSite: secure ? ('None' as const) : ('Lax' as const),
            })),
          );
        }
        for (const finding of todo) {
          const pageOrigin = finding.attackerOrigin === 'null' ? nullPocOrigin : finding.attackerOrigin;
          const where = hostPort(pageOrigin);
          if (where !== undefined && /[\s,]/.test(where.host)) {
            finding.confirmation = {
              confirmed: false,
              detail: `not attempted: Chromium's host mapping cannot name the host ${where.host}`,
            };
            continue;
          }
          const pageUrl = `${pageOrigin}/corsight-poc-${++sequence}.html`;
          pages.set(pageUrl, finding.poc);
          const page = await context.newPage();
          const consoleErrors: string[] = [];
          page.on('console', (message) => {
            if (message.type() === 'error') consoleErrors.push(message.text());
          });
          try {
            await page.goto(pageUrl, { timeout });
            // Preflight PoCs wait for a click (their request may change state); --confirm makes it.
            if (finding.via === 'preflight') await page.click('#go', { timeout });
            await page.waitForFunction(
              () => document.getElementById('out')?.textContent !== 'Not run yet.',
              undefined,
              { timeout },
            );
            const text = (await page.textContent('#out')) ?? '';
            finding.confirmation = outcome(text, consoleErrors, finding.evidence.request.url, finding.attackerOrigin);
          } catch (error) {
            finding.confirmation = {
              confirmed: false,
              detail: `the PoC did not finish: ${(error as Error).message.split('\n')[0] ?? 'unknown error'}`,
            };
          } finally {
            pages.delete(pageUrl);
            await page.close();
          }
        }
      } finally {
        await context.close();
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
    return result;
  }

  return {
    confirm,
    attackerRequests,
    browserRequests,
    certificate: certificate.kind,
    close: () => server.close(),
  };
}
