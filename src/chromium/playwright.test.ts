import { describe, expect, it } from 'vitest';
import {
  ChromiumMissingError,
  ChromiumUnavailableError,
  launchChromium,
  loadPlaywright,
  PlaywrightMissingError,
} from './index.js';

describe('loading playwright-core', () => {
  it('loads the installed package', async () => {
    const playwright = await loadPlaywright('a test');
    expect(typeof playwright.chromium.launch).toBe('function');
  });

  it('a missing package is a clear error naming the feature and what to install', async () => {
    const missing = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'playwright-core'"), { code: 'ERR_MODULE_NOT_FOUND' }),
      );
    await expect(loadPlaywright('--confirm', missing)).rejects.toThrow(PlaywrightMissingError);
    // The CLI turns every ChromiumUnavailableError into a usage error (exit 2).
    await expect(loadPlaywright('--confirm', missing)).rejects.toThrow(ChromiumUnavailableError);
    await expect(loadPlaywright('--confirm', missing)).rejects.toThrow(
      '--confirm needs the playwright-core package to drive Chromium: npm install playwright-core',
    );
  });

  it('any other failure of the import is passed on as it is', async () => {
    const broken = () => Promise.reject(new SyntaxError('unexpected token'));
    await expect(loadPlaywright('--browser', broken)).rejects.toThrow(SyntaxError);
  });

  it('a missing Chromium is reported before anything is launched', async () => {
    await expect(launchChromium({ feature: '--browser', executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      ChromiumMissingError,
    );
  });
});
