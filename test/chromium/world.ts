/**
 * The test world: four loopback listeners giving seven named origins, all sharing one request log and the
 * pure ./respond.ts. Chromium reaches the hostnames through `--host-resolver-rules=MAP *.test 127.0.0.1`.
 *
 * | key     | origin                  | why it exists                                        |
 * |---------|-------------------------|------------------------------------------------------|
 * | page    | http://page.test:P1     | the requesting page (and same-origin targets)        |
 * | api     | http://api.test:P2      | the usual cross-origin target                        |
 * | other   | http://other.test:P3    | a third origin for redirect chains                   |
 * | sibling | http://page.test:P2     | same host as the page, other port: same-site, cross-origin |
 * | secure  | https://api.test:P4     | an https target (self-signed, accepted by the context) |
 * | spage   | https://page.test:P4    | an https requesting page (secure context: mixed content) |
 * | loopback| http://127.0.0.1:P2     | an http target that is potentially trustworthy (no mixed-content block) |
 */
import { testCertificate } from './cert.js';
import { respond } from './respond.js';
import type { World } from './spec.js';
import { RequestLog, startWireServer } from './wire-server.js';
import type { WireServer } from './wire-server.js';

/** A running world. */
export interface RunningWorld {
  world: World;
  log: RequestLog;
  certSource: 'generated';
  close(): Promise<void>;
}

/** Starts the listeners; `close()` stops them. */
export async function startWorld(): Promise<RunningWorld> {
  const log = new RequestLog();
  const cert = testCertificate();
  // The handler needs the world, which needs the ports: bind late through this holder.
  const late: { world?: World } = {};
  const handler = (method: string, url: string, headers: [string, string][]) =>
    respond(late.world!, method, url, headers);
  const servers: WireServer[] = [];
  try {
    for (let i = 0; i < 3; i++) servers.push(await startWireServer({ log, handler }));
    servers.push(await startWireServer({ log, handler, tls: cert }));
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  const [p1, p2, p3, p4] = servers.map((s) => s.port);
  const world: World = {
    origins: {
      page: `http://page.test:${p1}`,
      api: `http://api.test:${p2}`,
      other: `http://other.test:${p3}`,
      sibling: `http://page.test:${p2}`,
      secure: `https://api.test:${p4}`,
      spage: `https://page.test:${p4}`,
      loopback: `http://127.0.0.1:${p2}`,
    },
  };
  late.world = world;
  return {
    world,
    log,
    certSource: cert.source,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
