/**
 * The command-line switches every Chromium corsight starts gets. Callers add their own host-resolver rules
 * (./host-resolver-rules.ts) and certificate pin (./certificate.ts).
 */

/**
 * Without the background-networking switches Chromium keeps reaching for Google's services, which a closed
 * network refuses; no sandbox because CI runs as root. No `--disable-features` here: a second one given by a
 * caller would replace it (Chromium keeps the last), and Playwright passes its own list.
 */
export const chromiumSwitches: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
