/**
 * `corsight scan --confirm`: runs each exploitable finding's PoC in headless Chromium, from the attacker's
 * origin, and records whether the browser really let the page read the target's response.
 *
 * How nothing leaves the machine but the requests to the target:
 * - The attacker origin is served locally by src/chromium's stand-in (loopback http and https servers holding the
 *   PoC pages, with a certificate made for this run), and Chromium's `--host-resolver-rules` maps exactly the
 *   attacker's `host:port` to it. Rules are matched against the
 *   host and against `host:port` (Chromium net/base/host_mapping_rules.cc), so `http://target.tld` (an
 *   attacker origin of the insecure-origin check) can be mapped while `https://target.tld` still reaches
 *   the target.
 * - The target keeps its own address: every `--resolve` rule is given to Chromium too, in the order the scan's
 *   HTTP client applies them (so `host:port:address` and `*.host:address` rules reach what the scan reached);
 *   a target no rule covers is mapped to the address the system resolver gives. A final `MAP * ~NOTFOUND` makes
 *   every other host name unresolvable, so neither the page nor the browser itself can reach anything else.
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
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  chromiumPath,
  excludeRule,
  hostPattern,
  hostResolverRulesSwitch,
  launchPersistentChromium,
  loadPlaywright,
  mappableHost,
  mapRule,
  requireChromium,
  resolveMappings,
  spkiPinSwitch,
  startStandIn,
  unresolvableRest,
  type StandInRequest,
} from '../chromium/index.js';
import { effectivePort } from '../fetch/origin.js';
import { parseResolve } from './options.js';
import { findResolveRule } from '../net/index.js';
import { checkById } from './checks/index.js';
import type { Confirmation, Finding, TargetResult } from './types.js';

export {
  ChromiumMissingError,
  ChromiumUnavailableError,
  chromiumPath,
  defaultChromiumPath,
  PlaywrightMissingError,
} from '../chromium/index.js';

/**
 * Whether `--confirm` attempts the finding: the browser model says the attacker's page can read the
 * response (with or without credentials), and the finding is not a hygiene finding.
 */
export function isExploitable(finding: Finding): boolean {
  // Each check says whether its findings are reads a page can make (not an invalid ACAO, `*` with credentials, a missing Vary).
  if (checkById(finding.check)?.confirmable !== true) return false;
  return finding.access === 'read' || finding.access === 'credentialed-read';
}

/** Options of {@link createConfirmer}. */
export interface ConfirmOptions {
  /** Chromium executable (default {@link chromiumPath}). */
  executablePath?: string;
  /**
   * `--cookie` value, `a=b; c=d`: set on the target's site in the browser profile when the findings' probes carried
   * no Cookie of their own. When they did (a target with its own request from --har or a JSON target line, or
   * --cookie itself), the cookie they carried is the one set: the victim's browser holds what the scan sent.
   */
  cookie?: string;
  /** `--resolve` entries (`HOST:ADDRESS`, `HOST:PORT:ADDRESS`, `*.HOST:ADDRESS`): the browser connects where the scan did. */
  resolve?: readonly string[];
  /** How long a PoC may take to report (default 15 000 ms). */
  timeoutMs?: number;
  /** `--insecure`: the browser accepts any certificate of the target too (otherwise only the attacker servers' own). */
  insecure?: boolean;
}

/** One request the local attacker server (the stand-in) answered (for tests and audits). */
export type AttackerRequest = StandInRequest;

/** Runs PoCs of one target at a time in headless Chromium. */
export interface Confirmer {
  /** Sets `confirmation` on every exploitable finding of the result (others are left untouched). */
  confirm(result: TargetResult): Promise<TargetResult>;
  /** Requests the local attacker server answered. */
  readonly attackerRequests: readonly AttackerRequest[];
  /** Every request a PoC page made (URL), in the order Chromium issued them. */
  readonly browserRequests: readonly string[];
  /** The attacker servers' certificate is made for this run: no one else holds its key. */
  readonly certificate: 'ephemeral';
  close(): Promise<void>;
}

/** Where the page of an opaque-origin (`null`) PoC is served from: any origin works, the frame is sandboxed. */
const nullPocOrigin = 'https://poc.corsight-attacker.com';

/**
 * The host-resolver rules that let Chromium reach the target where the scan did: the `--resolve` rules, and
 * for a target none of them covers, its host mapped to the system resolver's address (an IP literal is kept
 * out of the final catch-all instead).
 */
async function targetRules(target: URL, resolveRules: ReturnType<typeof parseResolve>[]): Promise<string[]> {
  const rules = resolveMappings(resolveRules);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (findResolveRule(resolveRules, host, effectivePort(target)) !== undefined) return rules;
  if (isIP(host) !== 0) return [...rules, excludeRule(host)];
  return [...rules, mapRule(hostPattern(host), (await lookup(host)).address)];
}

/** The Cookie header the findings' probes carried to the target, if any (one target's probes share it). */
function cookieSent(findings: readonly Finding[]): string | undefined {
  for (const finding of findings) {
    const cookie = finding.evidence.request.headers.find(([name]) => name.toLowerCase() === 'cookie')?.[1];
    if (cookie !== undefined) return cookie;
  }
  return undefined;
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
  // Loaded now, so a missing playwright-core is reported before the scan rather than at its first finding.
  await loadPlaywright('--confirm');
  const resolveRules = (options.resolve ?? []).map((rule) => parseResolve(rule));
  const browserRequests: string[] = [];
  // `localhost` attacker origins are mapped like any name: the user's own server may hold their port.
  const standIn = await startStandIn({ localhost: 'map' });
  const timeout = options.timeoutMs ?? 15_000;
  let sequence = 0;

  async function confirm(result: TargetResult): Promise<TargetResult> {
    const todo = result.findings.filter(isExploitable);
    if (todo.length === 0) return result;
    const target = new URL(todo[0]?.evidence.request.url ?? result.url);
    const attackerRules = new Set<string>();
    /** Attacker origins the stand-in cannot serve, with the reason. */
    const unserved = new Map<string, string>();
    for (const finding of todo) {
      const origin = finding.attackerOrigin === 'null' ? nullPocOrigin : finding.attackerOrigin;
      if (!mappableHost(origin)) {
        unserved.set(origin, `Chromium's host mapping cannot name the host of ${origin}`);
        continue;
      }
      try {
        for (const rule of (await standIn.standFor(origin)).rules) attackerRules.add(rule);
      } catch (error) {
        unserved.set(origin, (error as Error).message);
      }
    }
    let rules: string[];
    try {
      rules = await targetRules(target, resolveRules);
    } catch (error) {
      for (const finding of todo) {
        finding.confirmation = {
          confirmed: false,
          detail: `not attempted: cannot resolve ${target.hostname} (${(error as Error).message})`,
        };
      }
      return result;
    }
    const profile = mkdtempSync(path.join(tmpdir(), 'corsight-confirm-'));
    try {
      // A regular profile that allows third-party cookies (see the module comment).
      mkdirSync(path.join(profile, 'Default'));
      writeFileSync(
        path.join(profile, 'Default', 'Preferences'),
        JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
      );
      const context = await launchPersistentChromium(profile, {
        feature: '--confirm',
        executablePath,
        ignoreHTTPSErrors: options.insecure === true,
        args: [
          // Accept the attacker servers' own key, nothing else (the target is verified unless --insecure).
          spkiPinSwitch([standIn.certificate.spki]),
          '--disable-domain-reliability',
          // Attacker origins first: an attacker's host:port wins over a --resolve rule for the same host.
          hostResolverRulesSwitch([...attackerRules, ...rules, unresolvableRest]) ?? '',
          // The PoC page is on loopback; a public target is not more private than it, but a target on a
          // private network would make Local Network Access prompt (headless denies). The attack scenario
          // is an attacker's public page, so the check is off. HTTPS Upgrades would turn the navigation to an
          // http attacker origin (insecure-origin-trusted, localhost-trusted) into https: a different origin.
          '--disable-features=LocalNetworkAccessChecks,HttpsUpgrades',
        ],
      });
      try {
        context.on('request', (request) => browserRequests.push(request.url()));
        const cookies = cookiePairs(cookieSent(todo) ?? options.cookie);
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
          const unservable = unserved.get(pageOrigin);
          if (unservable !== undefined) {
            finding.confirmation = { confirmed: false, detail: `not attempted: ${unservable}` };
            continue;
          }
          const pageUrl = `${pageOrigin}/corsight-poc-${++sequence}.html`;
          standIn.serve(pageUrl, finding.poc);
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
            standIn.withdraw(pageUrl);
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
    attackerRequests: standIn.requests,
    browserRequests,
    certificate: 'ephemeral',
    close: () => standIn.close(),
  };
}
