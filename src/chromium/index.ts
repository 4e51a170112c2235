/**
 * The one Chromium harness: where Chromium is and how it starts (./executable.ts, ./switches.ts,
 * ./playwright.ts), how it reaches hosts (./host-resolver-rules.ts), which certificate it accepts
 * (./certificate.ts), the stand-in that serves a page at any origin (./stand-in.ts) and the opaque-origin frame
 * (./opaque-frame.ts). Used by `explain --browser`, `scan --confirm` and the project's browser suites.
 */
export {
  ChromiumMissingError,
  ChromiumUnavailableError,
  chromiumPath,
  defaultChromiumPath,
  requireChromium,
} from './executable.js';
export { chromiumSwitches } from './switches.js';
export {
  launchChromium,
  launchPersistentChromium,
  loadPlaywright,
  PlaywrightMissingError,
  type ChromiumLaunch,
  type Playwright,
} from './playwright.js';
export {
  excludeRule,
  hostPattern,
  hostResolverRulesSwitch,
  mappableHost,
  mapRule,
  resolveMappings,
  unresolvableRest,
  type ResolveRule,
} from './host-resolver-rules.js';
export {
  createSelfSignedCertificate,
  spkiHash,
  spkiPinSwitch,
  type CertificateOptions,
  type StandInCertificate,
} from './certificate.js';
export {
  startStandIn,
  type StandIn,
  type StandInEndpoint,
  type StandInOptions,
  type StandInOrigin,
  type StandInRequest,
} from './stand-in.js';
export { openOpaqueFrame, openOpaqueFrameScript } from './opaque-frame.js';
