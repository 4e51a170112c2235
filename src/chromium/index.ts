/**
 * Where corsight finds Chromium and how it starts it, for the features that drive a real browser
 * (`explain --browser`, `scan --confirm`) and for the project's own browser suites.
 *
 * corsight never downloads a browser: it drives an installed Chromium (Debian's `chromium` package by
 * default) through playwright-core's `executablePath`.
 */
import { existsSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

/** Debian's Chromium; `CORSIGHT_CHROMIUM` points elsewhere. */
export const defaultChromiumPath = '/usr/bin/chromium';

/** The Chromium executable to drive: `$CORSIGHT_CHROMIUM` when set and non-empty, else {@link defaultChromiumPath}. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CORSIGHT_CHROMIUM;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultChromiumPath;
}

/**
 * Switches for every Chromium corsight starts. Without the background-networking ones Chromium keeps
 * reaching for Google's services, which a closed network refuses; no sandbox because CI runs as root.
 * Callers add their own `--host-resolver-rules` and certificate switches.
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

/** Chromium is not where corsight looks for it. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
  /**
   * @param executable the path that was looked at
   * @param feature what needed the browser, e.g. `--confirm`
   */
  constructor(
    readonly executable: string,
    feature = 'corsight',
  ) {
    super(
      `${feature} needs Chromium, but ${executable} does not exist: install it (Debian/Ubuntu: apt-get install chromium) or set CORSIGHT_CHROMIUM to its path (default ${defaultChromiumPath})`,
    );
  }
}

/** Returns the executable to drive, or throws {@link ChromiumMissingError} naming `feature`. */
export function requireChromium(feature: string, executable: string = chromiumPath()): string {
  if (!existsSync(executable)) throw new ChromiumMissingError(executable, feature);
  return executable;
}

/**
 * Opens a sandboxed `srcdoc` iframe (`allow-scripts` without `allow-same-origin`) in `page` and returns its
 * frame. Its document has an opaque origin, so a `fetch()` run there sends `Origin: null` (HTML's origin
 * serialization); Chromium runs it out of process, so CDP observers need the frame's own session.
 */
export async function openOpaqueFrame(page: Page): Promise<Frame> {
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.setAttribute('srcdoc', '<!doctype html><title>null origin</title>');
    document.body.append(f);
    return new Promise((resolve) => f.addEventListener('load', resolve, { once: true }));
  });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (frame === undefined) throw new Error('the sandboxed iframe did not load');
  return frame;
}
