/**
 * `private-network-access`: `Access-Control-Allow-Private-Network: true` granted to an untrusted origin.
 *
 * Chromium's Private Network Access (WICG) sent `Access-Control-Request-Private-Network: true` on
 * preflights from public pages to private or loopback addresses and required
 * `Access-Control-Allow-Private-Network: true` back (fetch-cors.md, "Private Network Access → Local Network Access"). A
 * server that grants it to any origin opts its private-network service into being driven by every web page. Chromium
 * has since moved to a permission prompt (Local Network Access, Chrome 142), so the header now matters mostly to older
 * browsers, but the grant still states that anyone may reach the device.
 */
import { getHeader } from '../../fetch/headers.js';
import { makeFinding, type DescribedCheck } from './finding.js';
import { assess } from './assess.js';
import { looksInternal } from './internal-target.js';
import { attackerPreflight, decide } from './probes.js';

const info = {
  id: 'private-network-access' as const,
  kind: 'hygiene' as const,
  // Its PoC makes the preflighted request; --confirm runs it when the browser model says it reads the answer.
  confirmable: true,
  title: 'Private-network access granted to any origin',
  definition:
    "A preflight from an untrusted origin that carries `Access-Control-Request-Private-Network: true` is answered with `Access-Control-Allow-Private-Network: true` and passes the CORS checks, so public web pages may reach this private-network service from a visitor's browser. Medium when the target looks internal (private or loopback address, intranet-style name), low otherwise.",
  probes:
    'The preflight from `https://corsight-attacker.com` (every preflight probe carries `Access-Control-Request-Private-Network: true`).',
  remediation:
    'Grant Access-Control-Allow-Private-Network only to the exact origins that must reach the device, or not at all.',
};

/** PNA granted to the attacker's preflight. */
export const privateNetworkAccess: DescribedCheck<'private-network-access'> = {
  ...info,
  async run(ctx) {
    const { names, origin, gaps, preflight } = await attackerPreflight(ctx);
    if (preflight === undefined) return decide([], gaps);
    if (getHeader(preflight.response.headers, 'access-control-allow-private-network') !== 'true') {
      return decide([], gaps);
    }
    const assessment = await assess(ctx, { names, origin, via: 'preflight', preflight });
    // The grant is only usable when the preflight as a whole passes for the attacker.
    if (assessment.access === 'none') return decide([], gaps);
    const internal = looksInternal(names);
    return decide(
      [
        makeFinding({
          info,
          names,
          origin,
          via: 'preflight',
          rule: 'grants private-network access to any origin',
          evidence: preflight,
          assessment,
          severity: internal ? 'medium' : 'low',
          lead: 'The preflight from an unrelated origin asking for private-network access is answered with Access-Control-Allow-Private-Network: true.',
          note: internal
            ? 'The target looks internal: that is exactly the service PNA was meant to protect.'
            : 'The target does not look internal (PNA only applies to private and loopback addresses), so this is low; Chromium now uses a permission prompt (Local Network Access) instead of this header.',
        }),
      ],
      gaps,
    );
  },
};
