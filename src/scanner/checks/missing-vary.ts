/**
 * `missing-vary-origin`: Access-Control-Allow-Origin depends on the request's Origin, but the response
 * does not say `Vary: Origin` (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5;
 * https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches).
 *
 * A cache (the browser's or a shared one) may then store the answer for one origin and serve it for
 * another: legitimate callers break, and a response carrying an attacker-chosen ACAO can be served to
 * the victim (Kettle, 2016, "client-side cache poisoning"). How much that matters depends on whether the
 * response is cacheable at all, which Cache-Control tells.
 */
import { getAllHeaderValues, getHeader } from '../../fetch/headers.js';
import type { Exchange, ProbeOutcome, Severity } from '../types.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { arbitraryOrigin, targetNames } from './origins.js';
import { answered, decide, Gaps, probeLabel, sendBaseline, sendSimple } from './probes.js';
import { analyzeTrust } from './trust.js';

/** Whether `Vary` lists `origin` (or `*`). */
export function variesOnOrigin(exchange: Exchange): boolean {
  return getAllHeaderValues(exchange.response.headers, 'vary')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .some((v) => v === 'origin' || v === '*');
}

/**
 * How caches may store a response, from Cache-Control / Expires (https://www.rfc-editor.org/rfc/rfc9111#section-3,
 * https://www.rfc-editor.org/rfc/rfc9111#section-5.2).
 */
export type Cacheability = 'no-store' | 'private' | 'shared' | 'heuristic';

/** Classifies `exchange`'s response. */
export function cacheabilityOf(exchange: Exchange): { kind: Cacheability; text: string } {
  const cc = (getHeader(exchange.response.headers, 'cache-control') ?? '').toLowerCase();
  const directives = cc.split(',').map((d) => d.trim());
  const has = (name: string) => directives.some((d) => d === name || d.startsWith(`${name}=`));
  const maxAge = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/.exec(cc);
  if (has('no-store')) return { kind: 'no-store', text: `Cache-Control: ${cc} (not stored by any cache)` };
  if (has('private')) return { kind: 'private', text: `Cache-Control: ${cc} (stored only by the browser's own cache)` };
  if (
    has('public') ||
    has('s-maxage') ||
    (maxAge !== null && Number(maxAge[1]) > 0) ||
    getHeader(exchange.response.headers, 'expires') !== null
  ) {
    return {
      kind: 'shared',
      text: `${cc !== '' ? `Cache-Control: ${cc}` : 'Expires is set'} (shared caches and CDNs may store it)`,
    };
  }
  if (has('no-cache') || (maxAge !== null && Number(maxAge[1]) === 0)) {
    return { kind: 'private', text: `Cache-Control: ${cc} (stored but revalidated before reuse)` };
  }
  return { kind: 'heuristic', text: 'no Cache-Control (caches may store it heuristically)' };
}

const info = {
  id: 'missing-vary-origin' as const,
  kind: 'hygiene' as const,
  // Cache poisoning needs a cache between victim and server; no page read shows it.
  confirmable: false,
  title: 'Origin-dependent Access-Control-Allow-Origin without Vary: Origin',
  definition:
    "The server's Access-Control-Allow-Origin changes with the request's Origin (present for one origin and absent or different for another) but the response lacks `Vary: Origin`, so a browser or shared cache may serve the answer meant for one origin to another: cross-origin callers break at random, and an answer carrying an attacker-chosen origin can be replayed to victims. Medium when shared caches may store the response, low when only the browser may, info when nothing stores it or only the presence of `*` varies.",
  probes:
    'Compares the baseline (no Origin) with the simple probes from the own origin, the arbitrary origin and every origin the server was found to trust (`--origin` hints, trusted siblings), all shared with the trust checks.',
  remediation:
    'Add `Vary: Origin` to every response whose CORS headers depend on the Origin (including the ones without CORS headers).',
};

/** ACAO varies with Origin but Vary does not say so. */
export const missingVaryOrigin: DescribedCheck<'missing-vary-origin'> = {
  ...info,
  async run(ctx) {
    const names = targetNames(ctx.url);
    const arbitrary = arbitraryOrigin(names.scheme);
    const gaps = new Gaps();
    // The owner's origins and the ones the trust analysis found trusted: a server that names only its front
    // end in ACAO varies too, and that is the cache-poisoning case (Kettle, 2016).
    const trust = await analyzeTrust(ctx);
    const origins = [...new Set([names.ownOrigin, arbitrary, ...ctx.trustedOrigins, ...trust.simple.trusted])];
    const asked: [string | null, ProbeOutcome][] = await Promise.all([
      sendBaseline(ctx).then((o): [string | null, ProbeOutcome] => [null, o]),
      ...origins.map((origin) => sendSimple(ctx, origin).then((o): [string | null, ProbeOutcome] => [origin, o])),
    ]);
    const answers: { origin: string | null; exchange: Exchange }[] = [];
    for (const [origin, outcome] of asked) {
      gaps.note(origin === null ? 'the request without Origin' : probeLabel('simple', origin), outcome);
      const exchange = answered(outcome);
      if (exchange !== undefined) answers.push({ origin, exchange });
    }
    const values = answers.map((a) => getHeader(a.exchange.response.headers, 'access-control-allow-origin'));
    if (new Set(values).size < 2) return decide([], gaps);
    // The answer that shows the dependency best: one naming a specific origin, else one with `*`.
    const specific = answers.filter((_a, i) => values[i] !== null && values[i] !== '*');
    const withAny = answers.filter((_a, i) => values[i] !== null);
    const candidates = specific.length > 0 ? specific : withAny;
    const missing = candidates.find((a) => !variesOnOrigin(a.exchange));
    if (missing === undefined) return decide([], gaps);
    const cache = cacheabilityOf(missing.exchange);
    let severity: Severity;
    if (specific.length === 0 || cache.kind === 'no-store') severity = 'info';
    else if (cache.kind === 'shared') severity = 'medium';
    else severity = 'low';
    const shown = answers.map((a, i) => `${a.origin ?? 'no Origin'} → ${values[i] ?? '(none)'}`).join('; ');
    // The origin whose answer was cached matters less than the one an attacker can send: the arbitrary one.
    const origin = arbitrary;
    return decide(
      [
        makeFinding({
          info,
          names,
          origin,
          via: 'simple',
          rule:
            specific.length > 0
              ? 'chooses Access-Control-Allow-Origin per request Origin without Vary: Origin'
              : 'adds `*` only when an Origin is sent, without Vary: Origin',
          evidence: missing.exchange,
          assessment: {
            severity,
            detail: `Access-Control-Allow-Origin by request: ${shown}. The response has ${cache.text}.`,
            scenario: { method: ctx.method, headers: [], credentials: 'omit' },
          },
          lead: 'The answer names an origin chosen from the request but does not send Vary: Origin.',
        }),
      ],
      gaps,
    );
  },
};
