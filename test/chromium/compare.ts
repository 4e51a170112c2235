/**
 * Compares the browser's and the engine's observation of one case and formats a minimal reproduction when
 * they differ. Compared: how the fetch settled; the CORS error code, parameter and console text (text only
 * when Chromium printed one); the non-CORS network error; the response status, type and readable header
 * names (and response.url / response.redirected when the engine gives them); and every request on the wire, in order (method, URL, preflight or not, Origin, ACRM, ACRH and the
 * compared request headers). Also the engine's own consistency: `outcome.requests` must be exactly what it
 * asked the Transport to send.
 */
import type { EngineRun } from './engine.js';
import type { Observation, WireRequest } from './observe.js';
import type { CaseSpec, World } from './spec.js';

const show = (v: unknown) => JSON.stringify(v);

function compareRequests(b: readonly WireRequest[], e: readonly WireRequest[]): string[] {
  const out: string[] = [];
  const seq = (list: readonly WireRequest[]) =>
    list.map((r) => `${r.preflight ? 'preflight ' : ''}${r.method} ${r.url.replace(/\?s=.*$/, '')}`);
  if (b.length !== e.length) {
    out.push(`requests on the wire: browser sent ${b.length} ${show(seq(b))}, engine ${e.length} ${show(seq(e))}`);
  }
  const n = Math.min(b.length, e.length);
  for (let i = 0; i < n; i++) {
    const x = b[i]!;
    const y = e[i]!;
    for (const k of ['method', 'url', 'preflight', 'origin', 'acrm', 'acrh'] as const) {
      if (x[k] !== y[k]) out.push(`request ${i} ${k}: browser ${show(x[k])}, engine ${show(y[k])}`);
    }
    for (const name of Object.keys(x.headers)) {
      if (x.headers[name] !== y.headers[name]) {
        out.push(`request ${i} header ${name}: browser ${show(x.headers[name])}, engine ${show(y.headers[name])}`);
      }
    }
  }
  return out;
}

/** Every difference between the two observations (empty = they agree). */
export function compareObservations(browser: Observation, engine: Observation): string[] {
  const out: string[] = [];
  if (browser.settled === 'broken') out.push(`the browser run is broken (harness problem): ${browser.thrown}`);
  if (engine.settled === 'broken') out.push(`the engine threw something other than a TypeError: ${engine.thrown}`);
  if (browser.settled !== engine.settled) {
    out.push(
      `settled: browser ${browser.settled}${browser.thrown ? ` (${browser.thrown})` : ''}, engine ${engine.settled}${engine.thrown ? ` (${engine.thrown})` : ''}`,
    );
  }
  if (browser.settled === 'network-error' && engine.settled === 'network-error') {
    if (browser.cors.code !== engine.cors.code) {
      out.push(`CORS error: browser ${show(browser.cors.code)}, engine ${show(engine.cors.code)}`);
    } else if (browser.cors.parameter !== engine.cors.parameter) {
      out.push(`failedParameter: browser ${show(browser.cors.parameter)}, engine ${show(engine.cors.parameter)}`);
    }
    // Chromium prints a console line for CORS errors and for requests Blink refuses itself (modes); compare
    // whenever it printed one.
    if (browser.message !== null && browser.message !== engine.message) {
      out.push(`console message:\n      browser ${show(browser.message)}\n      engine  ${show(engine.message)}`);
    }
    if (browser.cors.code === null && browser.netError !== engine.netError) {
      out.push(`network error: browser ${show(browser.netError)}, engine ${show(engine.netError)}`);
    }
  }
  if (browser.settled === 'resolved' && engine.settled === 'resolved') {
    const b = browser.response;
    const e = engine.response;
    if (b?.status !== e?.status) out.push(`response status: browser ${b?.status}, engine ${e?.status}`);
    if (b?.type !== e?.type) out.push(`response type: browser ${b?.type}, engine ${e?.type}`);
    if (show(b?.exposedHeaders) !== show(e?.exposedHeaders)) {
      out.push(`readable headers: browser ${show(b?.exposedHeaders)}, engine ${show(e?.exposedHeaders)}`);
    }
    // response.url and response.redirected are optional in the engine's outcome: compared when it gives them.
    if (e?.url !== undefined && b?.url !== e.url) {
      out.push(`response.url: browser ${show(b?.url)}, engine ${show(e.url)}`);
    }
    if (e?.redirected !== undefined && b?.redirected !== e.redirected) {
      out.push(`response.redirected: browser ${b?.redirected}, engine ${e.redirected}`);
    }
  }
  out.push(...compareRequests(browser.requests, engine.requests));
  return out;
}

/** The engine's self-consistency: outcome.requests equals what it handed the Transport. */
export function engineConsistency(run: EngineRun): string[] {
  if (!run.outcome) return [];
  const listed = run.outcome.requests.map((r) => show([r.method, r.url, r.headers]));
  const sent = run.calls.map((c) => show([c.method, c.url, c.headers]));
  return show(listed) === show(sent)
    ? []
    : [`engine: outcome.requests ${show(listed)} differs from the Transport calls ${show(sent)}`];
}

/** A reproduction: the case, the world, a runnable simulateFetch call, both observations and the differences. */
export function reproduction(
  label: string,
  spec: CaseSpec,
  world: World,
  run: EngineRun,
  browser: Observation,
  differences: readonly string[],
): string {
  const trim = (o: Observation) => ({
    ...o,
    requests: o.requests.map((r) => ({ ...r, url: r.url.replace(/\?s=.*$/, '?s=…') })),
  });
  return [
    `DISAGREEMENT ${label}${spec.why ? ` — ${spec.why}` : ''}`,
    `  case:    ${show({ request: spec.request, hops: spec.hops })}`,
    `  world:   ${show(world)}`,
    `  repro:   await simulateFetch(${show(run.request)}, async (r) => respond(world, r.method, r.url, r.headers))  // respond from test/chromium/respond.ts`,
    `  browser: ${show(trim(browser))}`,
    `  engine:  ${show(trim(run.observation))}`,
    ...(run.outcome?.error ? [`  engine error: ${show(run.outcome.error)}`] : []),
    '  differences:',
    ...differences.map((d) => `    - ${d}`),
  ].join('\n');
}
