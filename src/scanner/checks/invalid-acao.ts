/**
 * `invalid-acao`: an Access-Control-Allow-Origin value no browser accepts.
 *
 * The CORS check (https://fetch.spec.whatwg.org/#concept-cors-check) takes the header with "get" (several lines joined
 * by ", ") and accepts only `*` or the byte-exact serialized request origin; Firefox additionally refuses several lines
 * outright, Safari any comma (fetch-cors.md, "Firefox (Gecko)" and "Safari (WebKit)"). So lists, several header lines,
 * `*.domain` patterns, trailing slashes, paths, upper-case or `Null` never pass: legitimate callers break, and the
 * value usually betrays two layers (a proxy and the app) both adding CORS, or a misunderstood syntax.
 */
import { getAllHeaderValues } from '../../fetch/headers.js';
import { parseOrigin } from '../../fetch/origin.js';
import type { ProbeContext, ProbeOutcome } from '../types.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { arbitraryOrigin, targetNames } from './origins.js';
import { assess } from './assess.js';
import { answered, decide, Gaps, probeLabel, sendBaseline, sendPreflight, sendSimple, type Channel } from './probes.js';

/** Why an ACAO header (all its lines) can never pass the CORS check, or null when it is well-formed. */
export function acaoProblem(lines: readonly string[]): string | null {
  if (lines.length === 0) return null;
  if (lines.length > 1) {
    return `${lines.length} Access-Control-Allow-Origin header lines (${lines.map((l) => JSON.stringify(l)).join(', ')}); browsers join them with ", " and the result matches no origin`;
  }
  const [value = ''] = lines;
  if (value === '*' || value === 'null') return null;
  if (value.trim() !== value) return `surrounding whitespace in ${JSON.stringify(value)}`;
  if (/[,\s]/.test(value)) return `a list of origins (${JSON.stringify(value)}); the header holds exactly one origin`;
  if (value.includes('*')) return `a wildcard pattern (${JSON.stringify(value)}); only a bare \`*\` is special`;
  if (value.toLowerCase() === 'null') {
    return `${JSON.stringify(value)}: only lowercase \`null\` matches the opaque origin`;
  }
  if (parseOrigin(value) === null) {
    return `${JSON.stringify(value)} is not a serialized origin (scheme://host[:port], lowercase, no path or trailing slash)`;
  }
  return null;
}

const info = {
  id: 'invalid-acao' as const,
  kind: 'hygiene' as const,
  // A value no browser accepts exposes nothing a page could read.
  confirmable: false,
  title: 'Invalid Access-Control-Allow-Origin value',
  definition:
    "The server sends an Access-Control-Allow-Origin value that no browser accepts: several header lines, a comma- or space-separated list, a `*.domain` pattern, an origin with a path or trailing slash, wrong case, or `Null`. Nothing is exposed, but cross-origin callers break, and the value usually shows two layers adding CORS or a misunderstood syntax. Low when the value contains the attacker's origin (the server meant to trust it), info otherwise.",
  probes:
    'Reads the answers to the baseline, the own-origin and arbitrary-origin probes (simple and preflight) and the `null` probe; sends no probe of its own.',
  remediation:
    'Send exactly one Access-Control-Allow-Origin line holding `*` or the one request origin that is allowed; make sure only one layer (proxy or app) handles CORS.',
};

/** An ACAO value browsers reject. */
export const invalidAcao: DescribedCheck<'invalid-acao'> = {
  ...info,
  async run(ctx: ProbeContext) {
    const names = targetNames(ctx.url);
    const arbitrary = arbitraryOrigin(names.scheme);
    const gaps = new Gaps();
    const candidates: [string | null, Channel, Promise<ProbeOutcome>][] = [
      [arbitrary, 'simple', sendSimple(ctx, arbitrary)],
      [names.ownOrigin, 'simple', sendSimple(ctx, names.ownOrigin)],
      [arbitrary, 'preflight', sendPreflight(ctx, arbitrary)],
      [names.ownOrigin, 'preflight', sendPreflight(ctx, names.ownOrigin)],
      // The `null` probe shows `Null` and other mis-cased echoes (shared with null-origin-trusted).
      ['null', 'simple', sendSimple(ctx, 'null')],
      [null, 'simple', sendBaseline(ctx)],
    ];
    for (const [origin, channel, pending] of candidates) {
      const outcome = await pending;
      gaps.note(origin === null ? 'the request without Origin' : probeLabel(channel, origin), outcome);
      const exchange = answered(outcome);
      if (exchange === undefined) continue;
      const lines = getAllHeaderValues(exchange.response.headers, 'access-control-allow-origin');
      const problem = acaoProblem(lines);
      if (problem === null) continue;
      // The attacker's origin is reported even when the bad value came back for another request.
      const shownOrigin = arbitrary;
      const containsAttacker = origin === arbitrary && lines.some((l) => l.includes(arbitrary));
      const assessment = await assess(ctx, {
        names,
        origin: origin ?? arbitrary,
        via: channel,
        preflight: exchange,
        ...(channel === 'simple' ? { simple: exchange } : {}),
      });
      return decide(
        [
          makeFinding({
            info,
            names,
            origin: shownOrigin,
            via: channel,
            rule: containsAttacker
              ? 'names the requesting origin, but inside a value browsers reject'
              : 'sends a malformed Access-Control-Allow-Origin',
            evidence: exchange,
            assessment,
            severity: containsAttacker ? 'low' : 'info',
            lead: `The answer${origin === null ? ' without an Origin header' : ` to Origin ${origin}`} carries ${problem}.`,
            note: containsAttacker
              ? "The value contains the attacker's origin: remove the duplicate layer and the server reflects any origin."
              : '',
          }),
        ],
        gaps,
      );
    }
    return decide([], gaps);
  },
};
