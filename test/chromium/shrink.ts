/**
 * Greedy shrinking of a disagreeing case to a minimal reproduction. Generated cases carry a lot of noise
 * (extra headers, hops, odd statuses); the shrinker tries every one-step simplification at once (one browser
 * batch per round), keeps the first that still shows the same kind of disagreement, and repeats until nothing
 * simpler disagrees. It only runs when a comparison has already failed.
 */
import type { BrowserSession } from './chromium.js';
import { compareObservations } from './compare.js';
import { runEngine } from './engine.js';
import { prepare, runInBrowser } from './run.js';
import type { Answer, CaseSpec, World } from './spec.js';
import type { RequestLog } from './wire-server.js';

/** The kind of a difference line: its text before the first colon, with request indexes removed. */
export function differenceKind(line: string): string {
  return line
    .split(':')[0]!
    .replace(/request \d+/g, 'request N')
    .trim();
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function answers(a: Answer | Answer[] | undefined): Answer[] {
  return a === undefined ? [] : Array.isArray(a) ? a : [a];
}

/** Every case one step simpler than `spec`. */
export function simplifications(spec: CaseSpec): CaseSpec[] {
  const out: CaseSpec[] = [];
  const push = (edit: (c: CaseSpec) => void) => {
    const c = clone(spec);
    edit(c);
    if (JSON.stringify(c) !== JSON.stringify(spec)) out.push(c);
  };
  const r = spec.request;
  (r.headers ?? []).forEach((_, i) => push((c) => c.request.headers!.splice(i, 1)));
  for (const k of ['credentials', 'mode', 'redirect', 'body'] as const) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- k runs over a fixed tuple of optional fields
    if (r[k] !== undefined) push((c) => delete c.request[k]);
  }
  if (r.from === 'null' || r.from === 'spage') push((c) => (c.request.from = 'page'));
  if (r.method !== undefined && r.method !== 'GET') push((c) => (c.request.method = 'GET'));
  if (spec.hops.length > 1) push((c) => c.hops.pop());
  spec.hops.forEach((h, i) => {
    if (h.userinfo !== undefined) push((c) => delete c.hops[i]!.userinfo);
    if (h.at !== 'api') push((c) => (c.hops[i]!.at = 'api'));
    for (const which of ['preflight', 'actual'] as const) {
      const list = answers(h[which]);
      if (list.length === 0) continue;
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- which is 'preflight' or 'actual'
      push((c) => delete c.hops[i]![which]);
      list.forEach((a, j) => {
        const target = (c: CaseSpec) => answers(c.hops[i]![which])[j]!;
        if (a.status !== undefined && a.status !== 200 && !(a.headers ?? []).some(([n]) => /^location$/i.test(n))) {
          push((c) => delete target(c).status);
        }
        (a.headers ?? []).forEach((_, k) => push((c) => target(c).headers!.splice(k, 1)));
      });
    }
  });
  return out;
}

/**
 * Shrinks `spec` while the engine and Chromium still disagree with a difference of the same kind as `kind`.
 * Returns the smallest case found and the number of rounds.
 */
export async function shrinkCase(
  session: BrowserSession,
  log: RequestLog,
  world: World,
  spec: CaseSpec,
  kind: string,
  maxRounds = 25,
): Promise<{ spec: CaseSpec; rounds: number }> {
  let current = spec;
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const candidates = simplifications(current);
    if (candidates.length === 0) break;
    const prepared = prepare(world, candidates, `x${rounds}-${Math.random().toString(36).slice(2, 6)}-`);
    const seen = await runInBrowser(session, log, prepared);
    let next: CaseSpec | undefined;
    for (let i = 0; i < prepared.length && !next; i++) {
      if (seen[i]!.settled === 'broken') continue;
      const run = await runEngine(world, prepared[i]!.spec.request, prepared[i]!.url);
      if (compareObservations(seen[i]!, run.observation).some((d) => differenceKind(d) === kind)) {
        next = prepared[i]!.spec;
      }
    }
    if (!next) break;
    current = next;
  }
  return { spec: current, rounds };
}
