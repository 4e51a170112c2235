/**
 * Preflight-cache sequences: several fetches to the same URL(s), at given times, in a browser context opened
 * for the sequences only (so nothing else has touched its preflight cache). The file `corpus/sequence-cache.json` holds groups; each group names its resources
 * (hop lists, one URL each for the whole group) and its steps (`at` seconds after the group starts, a request, an
 * optional expectation for Chromium).
 *
 * Timing: steps wait real time (Max-Age is in seconds and Chromium's clock is real). The engine replays the
 * group with one PreflightCache whose clock reads, for each step, the time its first request reached the
 * server (when Chromium consulted and then filled its cache), so both see the same elapsed times even on a
 * slow machine; schedules also keep every step ~0.5 s or more away from an expiry boundary.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PreflightCache, type ProfileName } from '../../src/browser/index.js';
import { fetchInit } from './chromium.js';
import type { BrowserSession } from './chromium.js';
import { corpusDir } from './corpus.js';
import { runEngine } from './engine.js';
import type { EngineRun } from './engine.js';
import { observeBrowser } from './observe.js';
import type { Observation } from './observe.js';
import { runId } from './run.js';
import { hopUrl, validateCase } from './spec.js';
import type { CaseRequest, Expectation, Hop, World } from './spec.js';
import type { RequestLog } from './wire-server.js';

/** One fetch of a sequence. */
export interface SequenceStep {
  /** Seconds after the group's start. */
  at: number;
  resource: string;
  request: CaseRequest;
  expect?: Expectation;
}

/** A group of steps sharing one browser context and one engine PreflightCache. */
export interface SequenceGroup {
  id: string;
  why?: string;
  resources: Record<string, Hop[]>;
  steps: SequenceStep[];
}

/** Loads and validates `corpus/sequence-cache.json`. */
export function loadSequences(file = path.join(corpusDir, 'sequence-cache.json')): SequenceGroup[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { groups?: unknown };
  if (!Array.isArray(data.groups)) throw new TypeError(`${path.basename(file)}: "groups" must be an array`);
  const ids = new Set<string>();
  return (data.groups as SequenceGroup[]).map((g) => {
    if (typeof g.id !== 'string' || ids.has(g.id)) {
      throw new TypeError(`sequence group id ${JSON.stringify(g.id)} is missing or duplicated`);
    }
    ids.add(g.id);
    if (!g.resources || typeof g.resources !== 'object') {
      throw new TypeError(`sequence ${g.id}: "resources" must be an object`);
    }
    if (!Array.isArray(g.steps) || g.steps.length === 0) {
      throw new TypeError(`sequence ${g.id}: "steps" must be a non-empty array`);
    }
    let last = -1;
    g.steps.forEach((s, i) => {
      if (!(s.resource in g.resources)) {
        throw new TypeError(`sequence ${g.id} step ${i}: unknown resource ${JSON.stringify(s.resource)}`);
      }
      if (typeof s.at !== 'number' || s.at < last) {
        throw new TypeError(`sequence ${g.id} step ${i}: "at" must be a number not before the previous step`);
      }
      last = s.at;
      // Reuse the case validator for the request, hops and expectation of each step.
      validateCase({
        id: `${g.id}#${i}`,
        request: s.request,
        hops: g.resources[s.resource],
        ...(s.expect ? { expect: s.expect } : {}),
      });
    });
    return g;
  });
}

/** A group's run in the browser: per step, its observation and real start offset (ms since group start). */
export interface SequenceRun {
  group: SequenceGroup;
  urls: Record<string, string>;
  /**
   * Per step: the observation, when the step started, and the engine clock for it: the arrival time of the
   * step's first request at the server (when Chromium looked the cache up and, a moment later, stored the
   * preflight result), or the start time if nothing was sent. All in ms since the group started.
   */
  steps: { observation: Observation; startMs: number; clockMs: number }[];
  /** From the group's start to its last step's end (ms). */
  totalMs: number;
}

/**
 * Runs a group in `session`, waiting real time between steps. Several groups may share a session at once:
 * their URLs differ, and Chromium keys preflight-cache entries by URL, so no group can see another's entries.
 */
export async function runSequenceInBrowser(
  session: Pick<BrowserSession, 'run'>,
  world: World,
  log: RequestLog,
  group: SequenceGroup,
  index: number,
): Promise<SequenceRun> {
  const urls: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const name of Object.keys(group.resources)) {
    keys[name] = `${runId}-s${index}${name.replace(/[^A-Za-z0-9]/g, '')}`;
    urls[name] = hopUrl(world, keys[name], group.resources[name]!, 0);
  }
  {
    const t0 = Date.now();
    const t0Log = log.now();
    const steps: SequenceRun['steps'] = [];
    for (const step of group.steps) {
      const wait = t0 + step.at * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const key = keys[step.resource]!;
      const before = log.forKey(key).length;
      const startMs = Date.now() - t0;
      const [result] = await session.run([
        { key, url: urls[step.resource]!, from: step.request.from ?? 'page', init: fetchInit(step.request) },
      ]);
      const sent = log.forKey(key).slice(before);
      steps.push({
        observation: observeBrowser(result!, sent, step.request),
        startMs,
        clockMs: sent[0] ? sent[0].at - t0Log : startMs,
      });
    }
    return { group, urls, steps, totalMs: Date.now() - t0 };
  }
}

/** Replays a browser run's steps through simulateFetch with one cache on the browser's measured clock. */
export async function runSequenceInEngine(
  world: World,
  run: SequenceRun,
  profile: ProfileName = 'chromium',
): Promise<EngineRun[]> {
  let clock = 1_000_000;
  const base = clock;
  const cache = new PreflightCache({ now: () => clock });
  const out: EngineRun[] = [];
  for (const [i, step] of run.group.steps.entries()) {
    clock = base + run.steps[i]!.clockMs;
    out.push(await runEngine(world, step.request, run.urls[step.resource]!, cache, profile));
  }
  return out;
}
