/**
 * Where corsight finds Chromium. corsight never downloads a browser: it drives an installed Chromium (Debian's
 * `chromium` package by default) through playwright-core's `executablePath`.
 */
import { existsSync } from 'node:fs';

/** Debian's Chromium; `CORSIGHT_CHROMIUM` points elsewhere. */
export const defaultChromiumPath = '/usr/bin/chromium';

/** The Chromium executable to drive: `$CORSIGHT_CHROMIUM` when set and non-empty, else {@link defaultChromiumPath}. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CORSIGHT_CHROMIUM;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultChromiumPath;
}

/** Chromium cannot be driven on this machine: a usage problem to report plainly, never a stack trace. */
export class ChromiumUnavailableError extends Error {
  override name = 'ChromiumUnavailableError';
}

/** Chromium is not where corsight looks for it. */
export class ChromiumMissingError extends ChromiumUnavailableError {
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
