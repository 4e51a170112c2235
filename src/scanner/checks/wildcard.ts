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
import type { CheckReport, Exchange, ProbeContext } from '../types.js';
import { assess } from './assess.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { looksInternal } from './internal-target.js';
import { arbitraryOrigin, targetNames } from './origins.js';
import { answered, decide, Gaps, probeLabel, sendPreflight, sendSimple, verdictOf, type Channel } from './probes.js';
import { maxSeverity } from './severity.js';
import { POLICY_RISKS } from '../../policy/risks.js';

interface WildcardAnswer {
  channel: Channel;
  exchange: Exchange;
  credentials: boolean;
}

async function wildcardAnswers(ctx: ProbeContext, gaps: Gaps): Promise<WildcardAnswer[]> {
  const origin = arbitraryOrigin(targetNames(ctx.url).scheme);
  const [simple, preflight] = await Promise.all([sendSimple(ctx, origin), sendPreflight(ctx, origin)]);
  const out: WildcardAnswer[] = [];
  for (const [channel, outcome] of [
    ['simple', simple],
    ['preflight', preflight],
  ] as const) {
    gaps.note(probeLabel(channel, origin), outcome);
    const exchange = answered(outcome);
    if (exchange === undefined) continue;
    const v = verdictOf(origin, channel, exchange);
    if (v.acao === '*') out.push({ channel, exchange, credentials: v.credentials });
  }
  return out;
}

const wildcardInfo = {
  id: 'wildcard-origin' as const,
  kind: 'hygiene' as const,
  // An uncredentialed read of `*` is a read Chromium shows: the PoC confirms it.
  confirmable: true,
  title: POLICY_RISKS['wildcard-origin'].title,
  definition:
    'The server answers with `Access-Control-Allow-Origin: *`, so every page can read the response without credentials. That is right for public data and wrong for anything that depends on who asks from where: intranet hosts and IP-allowlisted services. Reported at info on public-looking targets, higher on internal-looking ones.',
  probes: '`https://corsight-attacker.com` as a simple request and through a preflight (shared with origin-reflected).',
  remediation: 'Fine for public, anonymous data. For anything else, replace `*` with an exact allowlist.',
};

const withCredentialsInfo = {
  id: 'wildcard-with-credentials' as const,
  kind: 'hygiene' as const,
  // Browsers refuse every credentialed read of `*`: nothing for a browser to confirm.
  confirmable: false,
  title: '`*` combined with Access-Control-Allow-Credentials: true',
  definition:
    'The server sends `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true`. Browsers refuse every credentialed read of such a response (uncredentialed reads still pass), so this exposes nothing by itself, but it shows that credentialed cross-origin access was intended and is one framework change away from reflecting any origin.',
  probes: '`https://corsight-attacker.com` as a simple request and through a preflight (shared with origin-reflected).',
  remediation:
    'Decide: public data takes `*` without credentials; credentialed access takes an exact allowlist of origins echoed with Vary: Origin.',
};

async function wildcardFinding(ctx: ProbeContext, withCredentials: boolean): Promise<CheckReport> {
  const names = targetNames(ctx.url);
  const gaps = new Gaps();
  const answers = (await wildcardAnswers(ctx, gaps)).filter((a) => a.credentials === withCredentials);
  const answer = answers.find((a) => a.channel === 'simple') ?? answers[0];
  if (answer === undefined) return decide([], gaps);
  const origin = arbitraryOrigin(names.scheme);
  const assessment = await assess(ctx, { names, origin, via: answer.channel, preflight: answer.exchange });
  const internal = looksInternal(names);
  const info = withCredentials ? withCredentialsInfo : wildcardInfo;
  // A public target's `*` is a deliberate choice, not a flaw: info. Internal-looking targets keep the
  // browser model's grade (an uncredentialed read of an intranet page).
  const read = internal ? assessment.severity : 'info';
  const severity = withCredentials ? maxSeverity('low', read) : read;
  return decide(
    [
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
    ],
    gaps,
  );
}

/** `Access-Control-Allow-Origin: *` without credentials. */
export const wildcardOrigin: DescribedCheck<'wildcard-origin'> = {
  ...wildcardInfo,
  run: (ctx) => wildcardFinding(ctx, false),
};

/** `*` with `Access-Control-Allow-Credentials: true`. */
export const wildcardWithCredentials: DescribedCheck<'wildcard-with-credentials'> = {
  ...withCredentialsInfo,
  run: (ctx) => wildcardFinding(ctx, true),
};
