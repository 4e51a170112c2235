/**
 * The engine side of the differential test: `simulateFetch` (corsight/browser) run on the same case, with an
 * in-process Transport that answers through the very `respond()` the wire server uses. The Transport keeps
 * its own record of the requests it was asked to send, which must equal `outcome.requests`.
 */
import { simulateFetch } from '../../src/browser/index.js';
import type { CorsOutcome, CorsRequest, PreflightCache, ProfileName, Transport } from '../../src/browser/index.js';
import { comparedHeaderNames, wireRequest } from './observe.js';
import type { Observation } from './observe.js';
import { respond } from './respond.js';
import type { CaseRequest, HeaderLine, World } from './spec.js';

/** The CorsRequest equivalent of a case's fetch() call from its page (or null-origin frame). */
export function corsRequest(world: World, request: CaseRequest, url: string): CorsRequest {
  const origin = request.from === 'null' ? 'null' : request.from === 'spage' ? world.origins.spage : world.origins.page;
  // The page the request comes from is always the top-level document: the http page itself, the https page
  // itself, or (for the sandboxed frame) the http page that embeds it.
  const r: CorsRequest = {
    origin,
    url,
    topLevelOrigin: request.from === 'spage' ? world.origins.spage : world.origins.page,
  };
  if (request.method !== undefined) r.method = request.method;
  if (request.headers !== undefined) r.headers = request.headers.map(([n, v]) => [n, v] as [string, string]);
  if (request.credentials !== undefined) r.credentials = request.credentials;
  if (request.mode !== undefined) r.mode = request.mode;
  if (request.redirect !== undefined) r.redirect = request.redirect;
  if (request.body !== undefined) r.body = request.body;
  return r;
}

/** The in-process Transport: `respond()` without the wire, recording each call. */
export function respondTransport(
  world: World,
  calls: { method: string; url: string; headers: HeaderLine[] }[],
): Transport {
  return async (req) => {
    const headers = req.headers.map(([n, v]) => [n, v] as HeaderLine);
    calls.push({ method: req.method, url: req.url, headers });
    const reply = respond(world, req.method, req.url, headers);
    return { status: reply.status, headers: reply.headers.map(([n, v]) => [n, v] as [string, string]) };
  };
}

/** What simulateFetch said, plus the raw material for a reproduction. */
export interface EngineRun {
  request: CorsRequest;
  outcome?: CorsOutcome;
  thrown?: unknown;
  calls: { method: string; url: string; headers: HeaderLine[] }[];
  observation: Observation;
}

/** Runs simulateFetch for one case and observes it like the browser side. */
export async function runEngine(
  world: World,
  request: CaseRequest,
  url: string,
  cache?: PreflightCache,
  profile: ProfileName = 'chromium',
): Promise<EngineRun> {
  const req = corsRequest(world, request, url);
  const calls: EngineRun['calls'] = [];
  const compared = comparedHeaderNames(request);
  let outcome: CorsOutcome | undefined;
  let thrown: unknown;
  try {
    outcome = await simulateFetch(req, respondTransport(world, calls), cache ? { cache, profile } : { profile });
  } catch (e) {
    thrown = e;
  }
  const requests = (outcome?.requests ?? []).map((r) => wireRequest(r.method, r.url, r.headers, compared));
  let observation: Observation;
  if (outcome) {
    const error = outcome.error;
    observation = {
      settled: outcome.allowed ? 'resolved' : 'network-error',
      cors: error?.kind === 'cors' ? { code: error.code, parameter: error.parameter } : { code: null, parameter: null },
      message: error?.message ?? null,
      netError: error?.kind === 'network' ? error.parameter : null,
      response: outcome.response
        ? {
            status: outcome.response.status,
            type: outcome.response.type,
            exposedHeaders: [...outcome.response.exposedHeaders],
            ...(outcome.response.url !== undefined ? { url: outcome.response.url } : {}),
            ...(outcome.response.redirected !== undefined ? { redirected: outcome.response.redirected } : {}),
          }
        : null,
      requests,
    };
  } else {
    const isTypeError = thrown instanceof TypeError;
    observation = {
      settled: isTypeError ? 'type-error' : 'broken',
      thrown: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown),
      cors: { code: null, parameter: null },
      message: null,
      netError: null,
      response: null,
      requests: calls.map((c) => wireRequest(c.method, c.url, c.headers, compared)),
    };
  }
  const run: EngineRun = { request: req, calls, observation };
  if (outcome) run.outcome = outcome;
  if (thrown !== undefined) run.thrown = thrown;
  return run;
}
