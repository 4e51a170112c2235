/**
 * The differential test of corsight/browser against real headless Chromium (issue #2, point 3).
 * See ./README.md for the design; run with `npx vitest run test/chromium`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BrowserSession, chromiumAvailable, launchChromium } from './chromium.js';
import { loadCorpus } from './corpus.js';
import type { CorpusCase } from './corpus.js';
import { checkExpectation } from './expect.js';
import type { Observation } from './observe.js';
import { prepare, runInBrowser } from './run.js';
import type { Prepared } from './run.js';
import { startWorld } from './world.js';
import type { RunningWorld } from './world.js';

const runBrowser = chromiumAvailable() || process.env.CI === 'true';

describe.runIf(runBrowser)('corsight/browser agrees with Chromium', () => {
  let w: RunningWorld;
  let browser: Browser;
  let session: BrowserSession;
  let corpus: Prepared<CorpusCase>[];
  let corpusSeen: Observation[];

  beforeAll(async () => {
    w = await startWorld();
    browser = await launchChromium();
    session = await BrowserSession.open(browser, w.world);
    corpus = prepare(w.world, loadCorpus(), 'h');
    const t0 = Date.now();
    corpusSeen = await runInBrowser(session, w.log, corpus);
    console.log(`corpus: ${corpus.length} cases in Chromium in ${Date.now() - t0} ms`);
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await w?.close();
  });

  it('the hand-written corpus behaves in Chromium as its WPT sources say', () => {
    const problems: string[] = [];
    corpus.forEach((p, i) => {
      const obs = corpusSeen[i]!;
      if (obs.settled === 'broken') problems.push(`${p.spec.id}: ${obs.thrown}`);
      const lines = p.spec.expect ? checkExpectation(p.spec.expect, obs, w.world) : [];
      if (lines.length) problems.push(`${p.spec.id} (${p.spec.why ?? ''})\n    ${lines.join('\n    ')}`);
    });
    expect(problems.join('\n')).toBe('');
  });
});
