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
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { appendVary } from '../policy/headers.js';
import { isPolicy, toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig, PolicyDecision } from '../policy/types.js';

/** Plugin options. */
export interface CorsightFastifyOptions {
  /** The default policy for every route (and for 404s), as a policy or a configuration to compile. */
  policy: Policy | PolicyConfig;
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
    store: { policy: Policy | false },
  ): void;
  find(
    method: string,
    path: string,
    derivedConstraints: Record<string, unknown>,
  ): { store: { policy: Policy | false } } | null;
}

function loadRouter(options: Record<string, unknown>): ShadowRouter {
  const fromHere = createRequire(import.meta.url);
  const fromFastify = createRequire(fromHere.resolve('fastify'));
  const FindMyWay = fromFastify('find-my-way') as (opts: Record<string, unknown>) => ShadowRouter;
  return FindMyWay(options);
}

function setHeaders(reply: FastifyReply, headers: PolicyDecision['headers']): void {
  for (const name in headers) {
    const value = headers[name]!;
    if (name === 'vary') {
      const existing = reply.getHeader('vary');
      reply.header('vary', existing === undefined ? value : appendVary(existing, value));
    } else {
      reply.header(name, value);
    }
  }
}

/** The path part of a request URL (what Fastify routes on). */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The plugin. Register it before the routes it should cover; it is not encapsulated (like `fastify-plugin`),
 * so it covers the routes of the instance it is registered on and of that instance's children. (A route
 * declared earlier still gets CORS, but its `config.cors` is compiled on its first request, and preflights to
 * it use the plugin's policy.)
 */
async function corsightPlugin(fastify: FastifyInstance, options: CorsightFastifyOptions): Promise<void> {
  if (options?.policy === undefined) {
    throw new TypeError(
      'corsight/fastify: the "policy" option is required, e.g. register(corsight, { policy: { origins: ["https://app.example.com"] } })',
    );
  }
  const defaultPolicy = toPolicy(options.policy);
  const initial = fastify.initialConfig as Record<string, unknown>;
  const routerOptions = (initial.routerOptions as Record<string, unknown> | undefined) ?? {};
  const shadow = loadRouter({
    ignoreTrailingSlash: routerOptions.ignoreTrailingSlash ?? initial.ignoreTrailingSlash ?? false,
    ignoreDuplicateSlashes: routerOptions.ignoreDuplicateSlashes ?? initial.ignoreDuplicateSlashes ?? false,
    caseSensitive: routerOptions.caseSensitive ?? initial.caseSensitive ?? true,
    maxParamLength: routerOptions.maxParamLength ?? initial.maxParamLength ?? 100,
  });
  let hasRoutePolicies = false;
  let hasHostConstraints = false;

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const cors = route.config?.cors;
    if (cors === undefined) return;
    // Compile now, so a bad route policy fails at start-up, not on the first request.
    const policy = cors === false ? false : toPolicy(cors);
    route.config = { ...route.config, cors: policy === false ? false : policy };
    hasRoutePolicies = true;
    // A preflight carries the Host of the request it announces, so host-constrained routes are told apart.
    // It carries no header values (Fetch §4.8 CORS-preflight fetch: only ACRM and ACRH, the names), so other
    // constraints (version, custom strategies) cannot select a route: the first such route's policy answers.
    const host = route.constraints?.host;
    if (host !== undefined) hasHostConstraints = true;
    try {
      shadow.on(route.method, route.url, host === undefined ? {} : { constraints: { host } }, () => {}, { policy });
    } catch {
      // Fastify already rejects true duplicates; its automatic HEAD routes may repeat a GET path.
    }
  });

  // Routes declared before the plugin were not seen by onRoute: compile their `config.cors` on first use.
  const late = new WeakMap<object, Policy>();
  const policyOf = (request: FastifyRequest): Policy | false => {
    const cors = request.routeOptions.config?.cors;
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
      hasRoutePolicies &&
      headers.origin !== undefined &&
      headers['access-control-request-method'] !== undefined
    ) {
      const acrm = headers['access-control-request-method'];
      const derived = hasHostConstraints && headers.host !== undefined ? { host: headers.host } : {};
      const found = typeof acrm === 'string' ? shadow.find(acrm, pathOf(request.url), derived) : null;
      policy = found ? found.store.policy : defaultPolicy;
    }
    if (policy === false) {
      done();
      return;
    }
    const decision = policy.evaluate({ method: request.method, headers });
    setHeaders(reply, decision.headers);
    if (decision.kind === 'preflight') {
      reply
        .code(decision.status ?? 204)
        .header('content-length', '0')
        .send();
      return;
    }
    done();
  });
}

// What fastify-plugin does, without depending on it: skip encapsulation and name the plugin.
Object.assign(corsightPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'corsight',
  [Symbol.for('plugin-meta')]: { name: 'corsight', fastify: '5.x' },
});

export default corsightPlugin;
export { corsightPlugin as corsight };
