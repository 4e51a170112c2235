/**
 * The differential test of corsight/browser against real headless Chromium (issue #2, point 3).
 * See ./README.md for the design; run with `npx vitest run test/chromium`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BrowserSession, chromiumAvailable, launchChromium } from './chromium.js';
import { loadCorpus } from './corpus.js';
import type { CorpusCase } from './corpus.js';
import { compareObservations, engineConsistency, reproduction } from './compare.js';
import { runEngine } from './engine.js';
import { differenceKind, shrinkCase } from './shrink.js';
import { checkExpectation } from './expect.js';
import { chooseCount, chooseSeed, generateCases, generateSequenceGroups } from './generate.js';
import type { Observation } from './observe.js';
import { prepare, runInBrowser } from './run.js';
import type { Prepared } from './run.js';
import type { CaseSpec } from './spec.js';
import { loadSequences, runSequenceInBrowser, runSequenceInEngine } from './sequences.js';
import type { SequenceRun } from './sequences.js';
import { startWorld } from './world.js';
import type { RunningWorld } from './world.js';

const runBrowser = chromiumAvailable();

/**
 * Runs the engine on every browser-observed case; returns one reproduction per disagreeing case (printed in
 * full: they are the point of a failure) and the failing cases with their differences.
 */
async function disagreements<S extends CaseSpec>(
  w: RunningWorld,
  label: string,
  prepared: readonly Prepared<S>[],
  seen: readonly Observation[],
): Promise<{ repros: string[]; failing: { spec: S; diffs: string[] }[] }> {
  const repros: string[] = [];
  const failing: { spec: S; diffs: string[] }[] = [];
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i]!;
    const run = await runEngine(w.world, p.spec.request, p.url);
    const diffs = [...compareObservations(seen[i]!, run.observation), ...engineConsistency(run)];
    if (diffs.length) {
      repros.push(reproduction(`${label} ${p.spec.id}`, p.spec, w.world, run, seen[i]!, diffs));
      failing.push({ spec: p.spec, diffs });
    }
  }
  if (repros.length) {
    // Every case by kind, then the first reproductions in full (a long failing run must stay readable in CI).
    const kinds = new Map<string, number>();
    for (const f of failing) {
      for (const k of new Set(f.diffs.map(differenceKind))) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const table = [...kinds]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`)
      .join('\n');
    const shown = repros.slice(0, 25);
    console.log(
      `${repros.length} disagreement(s) in ${label}, by kind:\n${table}\n\n${shown.join('\n\n')}` +
        (repros.length > shown.length ? `\n\n(${repros.length - shown.length} more not shown)` : ''),
    );
  }
  return { repros, failing };
}

/** Shrinks the first disagreeing case of each kind (at most `limit`) and prints minimal reproductions. */
async function printMinimal(
  w: RunningWorld,
  session: BrowserSession,
  failing: { spec: CaseSpec; diffs: string[] }[],
  limit = 4,
): Promise<void> {
  const kinds = new Set<string>();
  const out: string[] = [];
  for (const f of failing) {
    const kind = differenceKind(f.diffs[0]!);
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    if (kinds.size > limit) break;
    const { spec, rounds } = await shrinkCase(session, w.log, w.world, f.spec, kind);
    const [p] = prepare(w.world, [spec], `m${kinds.size}-`);
    const [seen] = await runInBrowser(session, w.log, [p!]);
    const run = await runEngine(w.world, spec.request, p!.url);
    out.push(
      reproduction(
        `MINIMAL (${kind}; ${f.spec.id} shrunk in ${rounds} rounds)`,
        spec,
        w.world,
        run,
        seen!,
        compareObservations(seen!, run.observation),
      ),
    );
  }
  console.log(`minimal reproductions:\n\n${out.join('\n\n')}`);
}

const seed = chooseSeed();
const count = chooseCount();
// Always printed, pass or fail: CORSIGHT_SEED=<seed> reproduces the generated cases exactly.
console.log(`differential: generated cases use seed ${seed} (CORSIGHT_SEED=${seed}), ${count} cases`);

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
    // A 599 means a case sent the browser somewhere its hops do not serve (a broken case, not a finding).
    const refused = corpus.flatMap((p) =>
      w.log
        .forKey(p.key)
        .filter((e) => e.status === 599)
        .map((e) => `${p.spec.id}: ${e.method} ${e.url}`),
    );
    expect(refused, 'requests the harness refused').toEqual([]);
  });

  // Time limits are generous: a failing run also shrinks disagreements in the browser, and a slow CI machine
  // must report disagreements, not a timeout.
  it(
    `simulateFetch agrees with Chromium on ${count} generated cases (seed ${seed})`,
    async () => {
      const generated = prepare(w.world, generateCases(seed, count), 'g');
      const t0 = Date.now();
      const seen = await runInBrowser(session, w.log, generated);
      console.log(`generated: ${generated.length} cases in Chromium in ${Date.now() - t0} ms (seed ${seed})`);
      const tally = (f: (o: Observation, i: number) => boolean) => seen.filter(f).length;
      console.log(
        `generated mix: ${tally((o) => o.settled === 'resolved')} resolved, ${tally((o) => o.settled === 'network-error')} network errors ` +
          `(${tally((o) => o.cors.code !== null)} with a CORS error), ${tally((o) => o.settled === 'type-error')} TypeErrors; ` +
          `${tally((o) => o.requests.some((r) => r.preflight))} preflighted, ${tally((o) => o.requests.filter((r) => !r.preflight).length > 1)} followed a redirect, ` +
          `${tally((_o, i) => generated[i]!.spec.request.from === 'null')} from an opaque origin, ${tally((_o, i) => generated[i]!.spec.request.from === 'spage')} from the https page`,
      );
      const broken = seen.filter((o) => o.settled === 'broken').length;
      expect(broken, 'browser runs that did not settle').toBe(0);
      const refused = generated.flatMap((p) =>
        w.log
          .forKey(p.key)
          .filter((e) => e.status === 599)
          .map((e) => `${p.spec.id}: ${e.method} ${e.url}`),
      );
      expect(refused, 'requests the harness refused').toEqual([]);
      const { repros: found, failing } = await disagreements(w, `generated (seed ${seed})`, generated, seen);
      if (failing.length) await printMinimal(w, session, failing);
      expect(
        found.length,
        `${found.length} of ${generated.length} generated cases disagree (seed ${seed}; reproductions printed above)`,
      ).toBe(0);
    },
    120_000 + count * 60,
  );

  it('simulateFetch agrees with Chromium on the hand-written corpus', async () => {
    const { repros: found } = await disagreements(w, 'corpus', corpus, corpusSeen);
    expect(
      found.length,
      `${found.length} of ${corpus.length} corpus cases disagree (reproductions printed above)`,
    ).toBe(0);
  }, 120_000);

  it('preflight-cache sequences: Chromium as expected, and simulateFetch with the same clock agrees', async () => {
    // The hand-written groups plus 30 generated ones (same seed as the generated cases).
    const groups = [...loadSequences(), ...generateSequenceGroups(seed, 30)];
    const t0 = Date.now();
    // All groups at once so the real waits overlap (wall time ~ the longest group), spread over a few fresh
    // contexts used by nothing else. One context per group would cost ~0.5 s of startup each on 2 cores and
    // slow every step; groups cannot see each other's entries anyway (different URLs, and the cache is per URL).
    const pool = await Promise.all(Array.from({ length: 3 }, () => BrowserSession.open(browser, w.world)));
    let runs: SequenceRun[];
    try {
      runs = await Promise.all(
        groups.map((g, i) => runSequenceInBrowser(pool[i % pool.length]!, w.world, w.log, g, i)),
      );
    } finally {
      await Promise.all(pool.map((p) => p.close()));
    }
    console.log(
      `sequences: ${groups.length} groups, ${groups.reduce((n, g) => n + g.steps.length, 0)} steps in Chromium in ${Date.now() - t0} ms`,
    );
    const problems: string[] = [];
    const found: string[] = [];
    for (const run of runs) {
      const engine = await runSequenceInEngine(w.world, run);
      run.group.steps.forEach((step, i) => {
        const label = `${run.group.id} step ${i} (t=${run.steps[i]!.startMs} ms)`;
        const seen = run.steps[i]!.observation;
        if (step.expect) {
          const lines = checkExpectation(step.expect, seen, w.world);
          if (lines.length) problems.push(`${label}: ${lines.join('; ')}`);
        }
        const diffs = [...compareObservations(seen, engine[i]!.observation), ...engineConsistency(engine[i]!)];
        if (diffs.length) {
          found.push(
            reproduction(
              `sequence ${label}`,
              { id: label, why: run.group.why ?? '', request: step.request, hops: run.group.resources[step.resource]! },
              w.world,
              engine[i]!,
              seen,
              diffs,
            ),
          );
        }
      });
    }
    if (found.length || problems.length) {
      // The real timing of every step, to tell a behaviour difference from a machine too slow for a schedule.
      console.log(
        runs
          .map((r) => `  ${r.group.id}: steps at ${r.steps.map((x) => x.startMs).join('/')} ms, done ${r.totalMs} ms`)
          .join('\n'),
      );
    }
    if (found.length) console.log(`${found.length} disagreement(s) in sequences:\n\n${found.join('\n\n')}`);
    expect(problems.join('\n'), 'Chromium did not behave as the sequence expects').toBe('');
    expect(found.length, `${found.length} sequence steps disagree (reproductions printed above)`).toBe(0);
  }, 120_000);
});
