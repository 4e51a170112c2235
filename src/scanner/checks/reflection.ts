/**
 * `origin-reflected` and `null-origin-trusted`: the server trusts anyone, or the opaque origin.
 */
import { ATTACKER_DOMAIN } from './origins.js';
import { trustCheck } from './finding.js';

/** The server copies any Origin into Access-Control-Allow-Origin. */
export const originReflected = trustCheck({
  id: 'origin-reflected',
  title: 'Arbitrary origin trusted (Origin reflected)',
  definition:
    "The server answers an Origin it has no reason to trust, an unrelated registrable domain, with that same origin in Access-Control-Allow-Origin: it reflects the request's Origin (or applies a rule that accepts everything). Any web page can then read the response; with Access-Control-Allow-Credentials: true it reads it with the visitor's cookies.",
  probes: `\`https://${ATTACKER_DOMAIN}\` as a simple request and through a preflight.`,
  remediation:
    'Compare the Origin against an exact allowlist of serialized origins and only then echo it (with Vary: Origin); never echo the Origin header unconditionally, least of all with Access-Control-Allow-Credentials: true.',
});

/** The server trusts `Origin: null`. */
export const nullOriginTrusted = trustCheck({
  id: 'null-origin-trusted',
  title: 'Opaque origin `null` trusted',
  definition:
    'The server answers `Origin: null` with `Access-Control-Allow-Origin: null`. Browsers send `null` from sandboxed iframes, data: and file: documents and after cross-site redirects, so any attacker can produce it: trusting `null` trusts everyone. Typically `null` sits in an allowlist for local files, or a reflecting server echoes it.',
  probes: '`null` as a simple request and through a preflight.',
  remediation:
    'Remove `null` from the allowlist; local files and sandboxed frames should not be trusted with credentials.',
});
