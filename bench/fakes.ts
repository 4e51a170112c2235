/**
 * Minimal stand-ins for the framework objects a CORS middleware touches, so that each middleware runs at its
 * natural layer without a socket. corsight and its peer always receive the same kind of object, built the
 * same way, so the stand-ins cost both the same. Only what the middlewares call is implemented.
 */

/** A Node `ServerResponse` stand-in: header map, status, end. Used for the Express/Node and Koa layers. */
export class FakeNodeResponse {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  finished = false;
  private readonly headers: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  setHeader(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name: string): unknown {
    return this.headers[name.toLowerCase()];
  }
  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.headers;
  }
  removeHeader(name: string): void {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a plain header record, as ServerResponse keeps one
    delete this.headers[name.toLowerCase()];
  }
  getHeaders(): Record<string, unknown> {
    return { ...this.headers };
  }
  end(): this {
    this.finished = true;
    return this;
  }
  /** Event methods Koa's request handling (on-finished) attaches to; nothing is ever emitted. */
  on(): this {
    return this;
  }
  once(): this {
    return this;
  }
  removeListener(): this {
    return this;
  }
}

/** A Fastify `Reply` stand-in with the chainable methods both Fastify plugins use. */
export class FakeFastifyReply {
  statusCode = 200;
  sent = false;
  private readonly h: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  header(name: string, value: unknown): this {
    this.h[name.toLowerCase()] = value;
    return this;
  }
  headers(values: Record<string, unknown>): this {
    for (const k in values) this.header(k, values[k]);
    return this;
  }
  getHeader(name: string): unknown {
    return this.h[name.toLowerCase()];
  }
  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.h;
  }
  code(status: number): this {
    this.statusCode = status;
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  type(value: string): this {
    return this.header('content-type', value);
  }
  send(): this {
    this.sent = true;
    return this;
  }
}

type Hook = (request: unknown, reply: unknown, done: (err?: unknown) => void) => void;

/**
 * Registers a Fastify plugin on a stand-in instance and returns its `onRequest` hook: what Fastify itself
 * calls for every request. The plugin's other registrations (routes, decorators) are accepted and ignored.
 */
export async function captureOnRequest(plugin: unknown, options: unknown): Promise<Hook> {
  const hooks: Record<string, Hook[]> = {};
  const instance = {
    // The root instance of a stand-in server: corsight keys what its registrations share by `server`.
    server: {},
    prefix: '',
    initialConfig: {},
    decorateRequest() {},
    decorateReply() {},
    options() {},
    route() {},
    addHook(name: string, fn: Hook) {
      (hooks[name] ??= []).push(fn);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const ret = (plugin as (i: unknown, o: unknown, done: (err?: Error) => void) => unknown)(
      instance,
      options,
      (err) => (err ? reject(err) : resolve()),
    );
    if (ret && typeof (ret as Promise<void>).then === 'function') (ret as Promise<void>).then(resolve, reject);
  });
  const onRequest = hooks.onRequest;
  if (onRequest?.length !== 1) {
    throw new Error(`expected one onRequest hook, got ${onRequest?.length ?? 0}`);
  }
  return onRequest[0]!;
}
