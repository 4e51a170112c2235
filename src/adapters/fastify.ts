/**
 * `corsight/fastify`: a Fastify 5 plugin.
 *
 * Preflights are answered in an `onRequest` hook, before routing to a handler, so no `OPTIONS` route is
 * registered (no "Method 'OPTIONS' already declared" collisions, no catch-all route) and an application's own
 * `OPTIONS` routes keep working for requests that are not preflights.
 *
 * Per-route policies: `{ config: { cors: policyOrConfig } }` on a route replaces the plugin's policy for it,
 * `{ config: { cors: false } }` turns CORS off for it. A preflight uses the policy of the route that would
 * serve the requested method (`Access-Control-Request-Method`) on that path and, for routes constrained by
 * host, that `Host`.
 *
 * @example
 * import Fastify from 'fastify';
 * import corsight from 'corsight/fastify';
 * const app = Fastify();
 * await app.register(corsight, { policy: { origins: ['https://app.example.com'] } });
 * app.get('/api', async () => ({ ok: true }));
 * app.get('/public', { config: { cors: { origins: ['*'] } } }, async () => 'hi');
 */
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, RouteShorthandOptions } from 'fastify';
import { appendVary } from '../policy/headers.js';
import { isPolicy, toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig, PolicyDecision } from '../policy/types.js';
import { compileSource, selectPolicy, type CompiledSource, type PolicySource } from './select.js';

export type { PolicySelector, PolicySource } from './select.js';

/** A route's or the plugin's compiled policy, a selector, or `false` (no CORS). */
type RoutePolicy = CompiledSource<FastifyRequest> | false;

/** Plugin options. */
export interface CorsightFastifyOptions {
  /**
   * The default policy for every route (and for 404s): a policy, a configuration to compile, or a selector
   * `(request) => policy | false` choosing among policies compiled at start-up.
   */
  policy: PolicySource<FastifyRequest>;
}

/** What `config.cors` on a route may hold. */
export type RouteCors = Policy | PolicyConfig | false;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** corsight: this route's CORS policy, or `false` for none. */
    cors?: RouteCors;
  }
}

/** The router Fastify itself uses, loaded through Fastify's own resolution so the versions always agree. */
interface ShadowRouter {
  on(
    method: string | string[],
    path: string,
    opts: { constraints?: Record<string, unknown> },
    handler: () => void,
    store: { policy: RoutePolicy },
  ): void;
  find(
    method: string,
    path: string,
    derivedConstraints: Record<string, unknown>,
  ): { store: { policy: RoutePolicy } } | null;
}

function loadRouter(options: Record<string, unknown>): ShadowRouter {
  const fromHere = createRequire(import.meta.url);
  const fromFastify = createRequire(fromHere.resolve('fastify'));
  const FindMyWay = fromFastify('find-my-way') as (opts: Record<string, unknown>) => ShadowRouter;
  return FindMyWay(options);
}

function setHeaders(reply: FastifyReply, headers: PolicyDecision['headers']): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'vary') {
      const existing = reply.getHeader('vary');
      reply.header('vary', existing === undefined ? value : appendVary(existing, value));
    } else {
      reply.header(name, value);
    }
  }
}

/** Applies a decision in the onRequest hook: answers a preflight, or sets the headers and continues. */
function applyDecision(decision: PolicyDecision, reply: FastifyReply, done: () => void): void {
  setHeaders(reply, decision.headers);
  if (decision.kind === 'preflight') {
    reply
      .code(decision.status ?? 204)
      .header('content-length', '0')
      .send();
    return;
  }
  done();
}

/** The path part of a request URL (what Fastify routes on). */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * What every corsight registration on one Fastify server shares: the routes seen so far, each with the policy
 * that answers its preflights, and the prefixes that already have corsight's `OPTIONS` catch-all route.
 */
interface Shared {
  shadow: ShadowRouter;
  /** The store of each route, so that the innermost registration's policy wins (its onRoute hook runs last). */
  stores: WeakMap<RouteOptions, { policy: RoutePolicy }>;
  /** Whether a preflight must be routed to find its policy (route policies, or several registrations). */
  routed: boolean;
  hasHostConstraints: boolean;
  registrations: number;
  catchAllPrefixes: Set<string>;
}

const sharedByServer = new WeakMap<object, Shared>();

function sharedOf(fastify: FastifyInstance): Shared {
  let shared = sharedByServer.get(fastify.server);
  if (shared === undefined) {
    const initial = fastify.initialConfig as Record<string, unknown>;
    const routerOptions = (initial.routerOptions as Record<string, unknown> | undefined) ?? {};
    shared = {
      shadow: loadRouter({
        ignoreTrailingSlash: routerOptions.ignoreTrailingSlash ?? initial.ignoreTrailingSlash ?? false,
        ignoreDuplicateSlashes: routerOptions.ignoreDuplicateSlashes ?? initial.ignoreDuplicateSlashes ?? false,
        caseSensitive: routerOptions.caseSensitive ?? initial.caseSensitive ?? true,
        maxParamLength: routerOptions.maxParamLength ?? initial.maxParamLength ?? 100,
      }),
      stores: new WeakMap(),
      routed: false,
      hasHostConstraints: false,
      registrations: 0,
      catchAllPrefixes: new Set(),
    };
    sharedByServer.set(fastify.server, shared);
  }
  return shared;
}

/**
 * Whether `fastify` is the root instance. Fastify creates every encapsulated context with
 * `Object.create(parent)`, so only the root has no Fastify instance as prototype.
 */
function isRoot(fastify: FastifyInstance): boolean {
  const proto: unknown = Object.getPrototypeOf(fastify);
  return proto === Object.prototype || proto === null;
}

/**
 * The plugin. Register it before the routes it should cover; it is not encapsulated (like `fastify-plugin`),
 * so it covers the routes of the instance it is registered on and of that instance's children. (A route
 * declared earlier still gets CORS, but its `config.cors` is compiled on its first request, and preflights to
 * it use the plugin's policy.)
 */
function corsightPlugin(fastify: FastifyInstance, options: CorsightFastifyOptions, done: (err?: Error) => void): void {
  try {
    install(fastify, options);
  } catch (err) {
    done(err as Error);
    return;
  }
  done();
}

function install(fastify: FastifyInstance, options: CorsightFastifyOptions): void {
  // Options come from JavaScript callers too: the type does not guarantee the key.
  if (!('policy' in options)) {
    throw new TypeError(
      'corsight/fastify: the "policy" option is required, e.g. register(corsight, { policy: { origins: ["https://app.example.com"] } })',
    );
  }
  const defaultPolicy = compileSource(options.policy);
  const shared = sharedOf(fastify);
  if (++shared.registrations > 1) shared.routed = true;

  fastify.addHook('onRoute', (route: RouteOptions) => {
    // A route declared without options has no config object yet when onRoute hooks run.
    const config: { cors?: RouteCors } | undefined = route.config;
    const cors = config?.cors;
    let policy: RoutePolicy = defaultPolicy;
    if (cors !== undefined) {
      // Compile now, so a bad route policy fails at start-up, not on the first request.
      policy = cors === false ? false : toPolicy(cors);
      route.config = { ...route.config, cors: policy };
      shared.routed = true;
    }
    // Registrations nest: the outer one's hook runs first, the inner one's (whose policy applies) last.
    const known = shared.stores.get(route);
    if (known !== undefined) {
      known.policy = policy;
      return;
    }
    const store = { policy };
    shared.stores.set(route, store);
    // A preflight carries the Host of the request it announces, so host-constrained routes are told apart.
    // It carries no header values (https://fetch.spec.whatwg.org/#cors-preflight-fetch: only ACRM and ACRH, the names),
    // so other constraints (version, custom strategies) cannot select a route: the first such route's policy answers.
    const host = route.constraints?.host;
    if (host !== undefined) shared.hasHostConstraints = true;
    try {
      shared.shadow.on(
        route.method,
        route.url,
        host === undefined ? {} : { constraints: { host } },
        () => undefined,
        store,
      );
    } catch {
      // Fastify already rejects true duplicates; its automatic HEAD routes may repeat a GET path.
    }
  });

  // Routes declared before the plugin were not seen by onRoute: compile their `config.cors` on first use.
  const late = new WeakMap<object, Policy>();
  const policyOf = (request: FastifyRequest): RoutePolicy => {
    const cors = request.routeOptions.config.cors;
    if (cors === undefined) return defaultPolicy;
    if (cors === false) return false;
    if (isPolicy(cors)) return cors;
    let policy = late.get(cors);
    if (policy === undefined) late.set(cors, (policy = toPolicy(cors)));
    return policy;
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    const headers = request.headers;
    let policy = policyOf(request);
    // A preflight is routed like the request it announces: the route for ACRM on this path decides.
    if (
      request.method === 'OPTIONS' &&
      shared.routed &&
      headers.origin !== undefined &&
      headers['access-control-request-method'] !== undefined
    ) {
      const acrm = headers['access-control-request-method'];
      const derived = shared.hasHostConstraints && headers.host !== undefined ? { host: headers.host } : {};
      const found = typeof acrm === 'string' ? shared.shadow.find(acrm, pathOf(request.url), derived) : null;
      policy = found ? found.store.policy : defaultPolicy;
    }
    let chosen: Policy | false;
    try {
      chosen = typeof policy === 'function' ? selectPolicy(policy, request, 'fastify') : policy;
    } catch (err) {
      done(err as Error);
      return;
    }
    if (chosen === false) {
      done();
      return;
    }
    const decision = chosen.decide({ method: request.method, headers, url: request.url });
    if (decision instanceof Promise) void decision.then((d) => applyDecision(d, reply, done));
    else applyDecision(decision, reply, done);
  });

  // A preflight to a path with no OPTIONS route is served by the 404 handler of the root context, which runs
  // only the root's hooks: inside an encapsulated plugin (with or without a prefix) the hook above would never
  // see it. So there, like @fastify/cors, corsight routes every OPTIONS under the context's prefix to itself;
  // the hook answers preflights, and any other OPTIONS request gets the 404 it would have had. Routes declared
  // with their own OPTIONS handler are more specific and keep serving OPTIONS requests that are not preflights.
  if (!isRoot(fastify) && !shared.catchAllPrefixes.has(fastify.prefix)) {
    shared.catchAllPrefixes.add(fastify.prefix);
    const notFound = (_request: FastifyRequest, reply: FastifyReply) => {
      reply.callNotFound();
    };
    // `hide` keeps the route out of @fastify/swagger's documentation (FastifySchema does not declare it).
    const hidden = { schema: { hide: true } } as RouteShorthandOptions;
    fastify.options('/*', hidden, notFound);
    if (fastify.prefix !== '') fastify.options('/', hidden, notFound);
  }
}

// What fastify-plugin does, without depending on it: skip encapsulation and name the plugin.
Object.assign(corsightPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'corsight',
  [Symbol.for('plugin-meta')]: { name: 'corsight', fastify: '5.x' },
});

export default corsightPlugin;
export { corsightPlugin as corsight };
