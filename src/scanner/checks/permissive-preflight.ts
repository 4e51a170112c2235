/**
 * `permissive-preflight`: the preflight grants an untrusted origin whatever methods or headers it asks
 * for (echoed `Access-Control-Request-Method` / `-Headers`) or everything (`*`).
 *
 * The preflight is the server's consent to non-simple requests (https://fetch.spec.whatwg.org/#cors-preflight-fetch);
 * echoing the request's ACRM/ACRH, or `*`, consents to everything, including methods and headers the application never
 * meant to expose cross-origin. It matters only when the untrusted origin passes the preflight at all, which the
 * browser model decides; with credentials it extends the trust flaw to state-changing requests.
 */
import { getHeader } from '../../fetch/headers.js';
import { parseTokenList } from '../../fetch/headers.js';
import type { Severity } from '../types.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { assess } from './assess.js';
import { looksInternal } from './internal-target.js';
import {
  answered,
  attackerPreflight,
  decide,
  PREFLIGHT_HEADER_NAMES,
  PREFLIGHT_METHOD,
  PREFLIGHT_METHOD_ALT,
  sendPreflight,
} from './probes.js';

function tokens(value: string | null): string[] {
  if (value === null) return [];
  return (parseTokenList(value) ?? value.split(',').map((v) => v.trim())).filter((v) => v !== '');
}

const info = {
  id: 'permissive-preflight' as const,
  kind: 'hygiene' as const,
  // Its PoC makes the granted request; --confirm runs it when the browser model says it reads the answer.
  confirmable: true,
  title: 'Preflight grants any method or header to an untrusted origin',
  definition:
    'A preflight from an untrusted origin passes and its answer echoes the requested method (`Access-Control-Allow-Methods` equal to whatever `Access-Control-Request-Method` asked) or headers (an unknown header name such as `x-corsight-probe` granted), or grants `*`. The server then consents to every non-simple request that origin can make. Medium when the grant comes with credentials, info otherwise (low on internal-looking targets).',
  probes: `The preflight from \`https://corsight-attacker.com\` asking for \`${PREFLIGHT_METHOD}\` and \`${PREFLIGHT_HEADER_NAMES.join(',')}\`; a second one asking for \`${PREFLIGHT_METHOD_ALT}\` only when the first answer lists exactly the requested method.`,
  remediation:
    'Answer preflights with fixed lists of the methods and headers the API needs, and only for allowed origins.',
};

/** ACAM/ACAH echoed or `*` for an untrusted origin. */
export const permissivePreflight: DescribedCheck<'permissive-preflight'> = {
  ...info,
  async run(ctx) {
    // The generic preflight whatever the target: its unknown header and method reveal a server that echoes.
    const { names, origin, gaps, preflight } = await attackerPreflight(ctx, PREFLIGHT_METHOD);
    if (preflight === undefined) return decide([], gaps);
    const methods = tokens(getHeader(preflight.response.headers, 'access-control-allow-methods'));
    const headers = tokens(getHeader(preflight.response.headers, 'access-control-allow-headers')).map((h) =>
      h.toLowerCase(),
    );
    // Cheap reads of the answer first; the browser model runs only when something is granted.
    const grants: { text: string; withCredentials: boolean }[] = [];
    if (methods.includes('*')) {
      grants.push({ text: 'any method (`Access-Control-Allow-Methods: *`)', withCredentials: false });
    }
    if (headers.includes('*')) {
      grants.push({
        text: 'any header except Authorization (`Access-Control-Allow-Headers: *`)',
        withCredentials: false,
      });
    }
    if (headers.includes('x-corsight-probe')) {
      grants.push({
        text: 'the made-up request header `x-corsight-probe` (requested headers are echoed)',
        withCredentials: true,
      });
    }
    if (methods.length === 1 && methods[0]?.toUpperCase() === PREFLIGHT_METHOD) {
      const altOutcome = await sendPreflight(ctx, origin, PREFLIGHT_METHOD_ALT);
      gaps.note(`the ${PREFLIGHT_METHOD_ALT} preflight from ${origin}`, altOutcome);
      const alt = answered(altOutcome);
      const altMethods =
        alt === undefined ? [] : tokens(getHeader(alt.response.headers, 'access-control-allow-methods'));
      if (altMethods.length === 1 && altMethods[0]?.toUpperCase() === PREFLIGHT_METHOD_ALT) {
        grants.push({
          text: 'whatever method is requested (`Access-Control-Allow-Methods` echoes `Access-Control-Request-Method`)',
          withCredentials: true,
        });
      }
    }
    if (grants.length === 0) return decide([], gaps);
    const assessment = await assess(ctx, { names, origin, via: 'preflight', preflight });
    if (assessment.access === 'none' || assessment.access === undefined) return decide([], gaps);
    const credentialed = assessment.access === 'credentialed-read' || assessment.access === 'credentialed-send';
    // `*` counts only for requests without credentials (https://fetch.spec.whatwg.org/#cors-preflight-fetch steps 7.5
    // and 7.7).
    const granted = grants.filter((g) => g.withCredentials || !credentialed).map((g) => g.text);
    if (granted.length === 0) return decide([], gaps);
    const severity: Severity = credentialed ? 'medium' : looksInternal(names) ? 'low' : 'info';
    return decide(
      [
        makeFinding({
          info,
          names,
          origin,
          via: 'preflight',
          rule: `grants ${granted.join(' and ')} to any origin it lets through`,
          evidence: preflight,
          assessment,
          severity,
          lead: `The preflight from ${origin} is granted ${granted.join('; ')}.`,
        }),
      ],
      gaps,
    );
  },
};
