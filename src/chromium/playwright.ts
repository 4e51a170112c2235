/**
 * The one place corsight loads playwright-core and launches Chromium with it. playwright-core is only needed by
 * the features that drive a real browser (`explain --browser`, `scan --confirm`, the browser suites), so it is
 * imported here, on first launch, and its absence is an error that says what to install.
 */
import type * as playwrightCore from 'playwright-core';
import type { Browser, BrowserContext, LaunchOptions } from 'playwright-core';
import { ChromiumUnavailableError, chromiumPath, requireChromium } from './executable.js';
import { chromiumSwitches } from './switches.js';

/** The playwright-core module. */
export type Playwright = typeof playwrightCore;

/** playwright-core is not installed. */
export class PlaywrightMissingError extends ChromiumUnavailableError {
  override name = 'PlaywrightMissingError';
  constructor(feature: string) {
    super(`${feature} needs the playwright-core package to drive Chromium: npm install playwright-core`);
  }
}

/**
 * Imports playwright-core, or throws {@link PlaywrightMissingError} naming `feature`. Only a missing package is
 * turned into that error; anything else the import throws is a real fault and is passed on.
 */
export async function loadPlaywright(
  feature: string,
  importer: () => Promise<Playwright> = () => import('playwright-core'),
): Promise<Playwright> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new PlaywrightMissingError(feature);
    throw error;
  }
}

/** Options of {@link launchChromium} and {@link launchPersistentChromium}. */
export interface ChromiumLaunch {
  /** What needs the browser, named in the errors (e.g. `--confirm`). */
  feature: string;
  /** Default `$CORSIGHT_CHROMIUM`, else `/usr/bin/chromium`. */
  executablePath?: string;
  /** Switches after {@link chromiumSwitches}. */
  args?: readonly string[];
}

function launchOptions(options: ChromiumLaunch): LaunchOptions & { executablePath: string } {
  return {
    executablePath: requireChromium(options.feature, options.executablePath ?? chromiumPath()),
    headless: true,
    args: [...chromiumSwitches, ...(options.args ?? [])],
  };
}

/** Launches headless Chromium (the installed one, never a download) with corsight's switches plus `args`. */
export async function launchChromium(options: ChromiumLaunch): Promise<Browser> {
  const launch = launchOptions(options);
  const { chromium } = await loadPlaywright(options.feature);
  return chromium.launch(launch);
}

/**
 * Launches headless Chromium on a regular (not off-the-record) profile in `userDataDir`, for callers that need
 * the profile's preferences (e.g. third-party cookies allowed, as `--confirm` does).
 */
export async function launchPersistentChromium(
  userDataDir: string,
  options: ChromiumLaunch & { ignoreHTTPSErrors?: boolean },
): Promise<BrowserContext> {
  const launch = launchOptions(options);
  const { chromium } = await loadPlaywright(options.feature);
  return chromium.launchPersistentContext(userDataDir, {
    ...launch,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors === true,
  });
}
