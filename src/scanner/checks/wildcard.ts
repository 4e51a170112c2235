/**
 * `wildcard-origin` and `wildcard-with-credentials`: `Access-Control-Allow-Origin: *`.
 *
 * `*` lets any page read the response without credentials (https://fetch.spec.whatwg.org/#concept-cors-check step 2)
 * and never with them (step 3 compares `*` with the origin and fails). So `*` alone exposes only what anyone could
 * fetch directly, unless the response depends on the client's network position; `*` with
 * `Access-Control-Allow-Credentials: true` is refused by every browser, and usually means credentialed sharing was
 * intended (8 of 11 frameworks studied by Chen et al., USENIX Security 2018, "fixed" it by reflecting the Origin
 * instead).
 */
import type { Exchange, Finding, ProbeContext } from '../types.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { arbitraryOrigin, targetNames } from './origins.js';
import { baselineOf, sendPreflight, sendSimple, verdictOf, type Channel } from './probes.js';
import { assessAccessOnce, looksInternal, maxSeverity } from './severity.js';

interface WildcardAnswer {
  channel: Channel;
  exchange: Exchange;
  credentials: boolean;
}

async function wildcardAnswers(ctx: ProbeContext): Promise<WildcardAnswer[]> {
  const origin = arbitraryOrigin(targetNames(ctx.url).scheme);
  const [simple, preflight] = await Promise.all([sendSimple(ctx, origin), sendPreflight(ctx, origin)]);
  const out: WildcardAnswer[] = [];
  for (const [channel, exchange] of [
    ['simple', simple],
    ['preflight', preflight],
  ] as const) {
    if (exchange === undefined) continue;
    const v = verdictOf(origin, channel, exchange);
    if (v.acao === '*') out.push({ channel, exchange, credentials: v.credentials });
  }
  return out;
}

const wildcardInfo = {
  id: 'wildcard-origin' as const,
  title: 'Any origin may read without credentials (`*`)',
  definition:
    'The server answers with `Access-Control-Allow-Origin: *`, so every page can read the response without credentials. That is right for public data and wrong for anything that depends on who asks from where: intranet hosts and IP-allowlisted services. Reported at info on public-looking targets, higher on internal-looking ones.',
  probes: '`https://corsight-attacker.com` as a simple request and through a preflight (shared with origin-reflected).',
  remediation: 'Fine for public, anonymous data. For anything else, replace `*` with an exact allowlist.',
};

const withCredentialsInfo = {
  id: 'wildcard-with-credentials' as const,
  title: '`*` combined with Access-Control-Allow-Credentials: true',
  definition:
    'The server sends `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true`. Browsers refuse every credentialed read of such a response (uncredentialed reads still pass), so this exposes nothing by itself, but it shows that credentialed cross-origin access was intended and is one framework change away from reflecting any origin.',
  probes: '`https://corsight-attacker.com` as a simple request and through a preflight (shared with origin-reflected).',
  remediation:
    'Decide: public data takes `*` without credentials; credentialed access takes an exact allowlist of origins echoed with Vary: Origin.',
};

async function wildcardFinding(ctx: ProbeContext, withCredentials: boolean): Promise<Finding[]> {
  const names = targetNames(ctx.url);
  const answers = (await wildcardAnswers(ctx)).filter((a) => a.credentials === withCredentials);
  const answer = answers.find((a) => a.channel === 'simple') ?? answers[0];
  if (answer === undefined) return [];
  const origin = arbitraryOrigin(names.scheme);
  const simple = await sendSimple(ctx, origin);
  const assessment = await assessAccessOnce({
    names,
    origin,
    kind: 'attacker',
    via: answer.channel,
    simple,
    preflight: answer.channel === 'preflight' ? answer.exchange : undefined,
    baseline: await baselineOf(ctx),
    method: ctx.method,
    hasCredentials: ctx.hasCredentials,
  });
  const internal = looksInternal(names);
  const info = withCredentials ? withCredentialsInfo : wildcardInfo;
  // A public target's `*` is a deliberate choice, not a flaw: info. Internal-looking targets keep the
  // browser model's grade (an uncredentialed read of an intranet page).
  const read = internal ? assessment.severity : 'info';
  const severity = withCredentials ? maxSeverity('low', read) : read;
  return [
    makeFinding({
      info,
      names,
      origin,
      via: answer.channel,
      rule: withCredentials
        ? 'allows any origin (`*`) and claims credentials are allowed'
        : 'allows any origin to read without credentials (`*`)',
      evidence: answer.exchange,
      assessment,
      severity,
      lead: withCredentials
        ? 'The server sends `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`; browsers refuse credentialed reads of `*`, so only uncredentialed reads pass.'
        : 'The server sends `Access-Control-Allow-Origin: *`.',
      note: internal ? '' : 'The target does not look internal, so this is reported as information.',
    }),
  ];
}

/** `Access-Control-Allow-Origin: *` without credentials. */
export const wildcardOrigin: DescribedCheck = { ...wildcardInfo, run: (ctx) => wildcardFinding(ctx, false) };

/** `*` with `Access-Control-Allow-Credentials: true`. */
export const wildcardWithCredentials: DescribedCheck = {
  ...withCredentialsInfo,
  run: (ctx) => wildcardFinding(ctx, true),
};
