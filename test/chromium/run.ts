/**
 * Turns case specs into browser runs: gives each case a run-unique key and its URL, runs them in a session and
 * joins the page result, CDP, console and the server log into an Observation per case.
 */
import { fetchInit } from './chromium.js';
import type { BrowserSession } from './chromium.js';
import { observeBrowser } from './observe.js';
import type { Observation } from './observe.js';
import { hopUrl } from './spec.js';
import type { CaseSpec, World } from './spec.js';
import type { RequestLog } from './wire-server.js';

/** A case ready to run: its spec, run-unique key and initial URL. */
export interface Prepared<S extends CaseSpec = CaseSpec> {
  spec: S;
  key: string;
  url: string;
}

/** Run-unique prefix, so nothing cached by an earlier run (or another group) can match. */
export const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Assigns keys `<runId>-<tag><index>` and builds each case's first URL. */
export function prepare<S extends CaseSpec>(world: World, specs: readonly S[], tag: string): Prepared<S>[] {
  return specs.map((spec, i) => {
    const key = `${runId}-${tag}${i}`;
    return { spec, key, url: hopUrl(world, key, spec.hops, 0) };
  });
}

/** Runs prepared cases in the browser (in chunks) and observes each. */
export async function runInBrowser<S extends CaseSpec>(
  session: BrowserSession,
  log: RequestLog,
  prepared: readonly Prepared<S>[],
  options: { concurrency?: number; chunk?: number } = {},
): Promise<Observation[]> {
  const chunk = options.chunk ?? 400;
  const out: Observation[] = [];
  for (let i = 0; i < prepared.length; i += chunk) {
    const part = prepared.slice(i, i + chunk);
    const results = await session.run(
      part.map((p) => ({
        key: p.key,
        url: p.url,
        from: p.spec.request.from ?? 'page',
        init: fetchInit(p.spec.request),
      })),
      { concurrency: options.concurrency ?? 16 },
    );
    results.forEach((r, j) => out.push(observeBrowser(r, log.forKey(part[j]!.key), part[j]!.spec.request)));
  }
  return out;
}
