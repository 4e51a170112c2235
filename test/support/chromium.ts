/**
 * The browser suites' rule: under `CI=true` Chromium must be there and every browser test runs (a missing
 * browser fails the run); elsewhere a suite may skip when the executable is absent.
 */
import { existsSync } from 'node:fs';
import { chromiumPath } from '../../src/chromium/index.js';

/** Whether a browser suite can run; throws under `CI=true` when Chromium is missing. */
export function chromiumAvailable(suite: string, executable: string = chromiumPath()): boolean {
  return browserAvailable(suite, executable, 'chromium');
}

/** The same rule for any browser: `debianPackage` is what `.ci/run` installs to provide `executable`. */
export function browserAvailable(suite: string, executable: string, debianPackage: string): boolean {
  const present = existsSync(executable);
  if (!present && process.env.CI === 'true') {
    throw new Error(
      `CI=true but ${executable} is missing: ${suite} must run under CI (.ci/run installs ${debianPackage})`,
    );
  }
  return present;
}
