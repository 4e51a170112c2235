/**
 * The browser side of the Firefox differential test: Debian's Firefox ESR (`/usr/bin/firefox-esr`, or
 * `CORSIGHT_FIREFOX`), headless, driven over WebDriver BiDi (built into Firefox; no geckodriver, nothing
 * downloaded). It runs the same in-page `fetch()` runner as the Chromium suite, from the http page, the https
 * page, or a sandboxed `srcdoc` iframe (`Origin: null`) in the http page.
 *
 * Firefox reaches the `.test` names through its `network.dns.localDomains` preference (they resolve to
 * 127.0.0.1), and accepts the self-signed certificate through the BiDi session's `acceptInsecureCerts`.
 * Only what the page sees is read (settled, response type, status, readable header names); Firefox has no CDP
 * CORS error names, so the comparison leaves those out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'undici';
import { openOpaqueFrameScript } from '../../src/chromium/index.js';
import type { BrowserCase, BrowserResult } from '../chromium/chromium.js';
import { runInPage } from '../chromium/chromium.js';
import { browserAvailable } from '../support/chromium.js';
import type { World } from '../chromium/spec.js';

/** Debian's Firefox ESR; `CORSIGHT_FIREFOX` points elsewhere. */
export function firefoxPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CORSIGHT_FIREFOX;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : '/usr/bin/firefox-esr';
}

/** Whether the Firefox suite can run; under `CI=true` a missing Firefox fails the run (never a skip). */
export function firefoxAvailable(executable: string = firefoxPath()): boolean {
  return browserAvailable('the Firefox differential suite', executable, 'firefox-esr');
}

/** Preferences of the throw-away profile: the test names on loopback, and no background traffic. */
const PREFS: Record<string, string | boolean | number> = {
  'network.dns.localDomains': 'page.test,api.test,other.test',
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  // The https page fetches http URLs on purpose (mixed-content cases): keep Firefox's default blocking, but no upgrade.
  'security.mixed_content.upgrade_display_content': false,
  'dom.security.https_first': false,
};

interface BidiMessage {
  id?: number;
  type?: string;
  error?: string;
  message?: string;
  result?: unknown;
}

/** A minimal WebDriver BiDi client: commands with ids, answers matched back. */
class Bidi {
  #next = 0;
  readonly #pending = new Map<number, (m: BidiMessage) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as BidiMessage;
      if (m.id === undefined) return;
      this.#pending.get(m.id)?.(m);
      this.#pending.delete(m.id);
    });
  }

  static async connect(url: string): Promise<Bidi> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error(`cannot connect to Firefox's WebDriver BiDi at ${url}`)), {
        once: true,
      });
    });
    return new Bidi(ws);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, (m) =>
        m.type === 'error' ? reject(new Error(`${method}: ${m.error}: ${m.message}`)) : resolve(m.result as T),
      );
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

interface Tree {
  contexts: { context: string; url: string; children: Tree['contexts'] | null }[];
}

/** A running Firefox with the http page, the https page and the sandboxed frame loaded. */
export class FirefoxSession {
  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly bidi: Bidi,
    private readonly contexts: Record<'page' | 'spage' | 'null', string>,
    readonly version: string,
  ) {}

  static async open(world: World, executable: string = firefoxPath()): Promise<FirefoxSession> {
    const profile = mkdtempSync(path.join(tmpdir(), 'corsight-firefox-'));
    writeFileSync(
      path.join(profile, 'user.js'),
      Object.entries(PREFS)
        .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
        .join('\n'),
    );
    const child = spawn(executable, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(
          () => reject(new Error(`Firefox did not open WebDriver BiDi within 30 s:\n${output.slice(-2000)}`)),
          30_000,
        );
        const onData = (d: Buffer) => {
          output += d.toString();
          const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) =>
          reject(new Error(`Firefox exited (${code}) before opening WebDriver BiDi:\n${output.slice(-2000)}`)),
        );
      });
      const bidi = await Bidi.connect(`${endpoint}/session`);
      const session = await bidi.send<{ capabilities: { browserVersion: string } }>('session.new', {
        capabilities: { alwaysMatch: { acceptInsecureCerts: true } },
      });
      const tree = await bidi.send<Tree>('browsingContext.getTree');
      const page = tree.contexts[0]!.context;
      await bidi.send('browsingContext.navigate', { context: page, url: `${world.origins.page}/`, wait: 'complete' });
      const { context: spage } = await bidi.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      await bidi.send('browsingContext.navigate', { context: spage, url: `${world.origins.spage}/`, wait: 'complete' });
      // The same sandboxed frame as the Chromium suites (src/chromium): its origin is opaque, so fetch sends Origin: null.
      await bidi.send('script.evaluate', {
        expression: openOpaqueFrameScript,
        awaitPromise: true,
        target: { context: page },
      });
      const withFrame = await bidi.send<Tree>('browsingContext.getTree', { root: page });
      const frame = withFrame.contexts[0]?.children?.[0]?.context;
      if (frame === undefined) throw new Error('the sandboxed iframe did not load in Firefox');
      const s = new FirefoxSession(
        child,
        profile,
        bidi,
        { page, spage, null: frame },
        session.capabilities.browserVersion,
      );
      const origin = await s.#call<string>(frame, 'async () => JSON.stringify(self.origin)');
      if (origin !== 'null') throw new Error(`the sandboxed iframe has origin ${origin}, expected null`);
      return s;
    } catch (e) {
      child.kill();
      rmSync(profile, { recursive: true, force: true });
      throw e;
    }
  }

  /** Calls `fn` (source of an async function returning a JSON string) in a context, with one string argument. */
  async #call<T>(context: string, fn: string, arg?: string): Promise<T> {
    const r = await this.bidi.send<{
      type: string;
      result?: { type: string; value?: string };
      exceptionDetails?: { text: string };
    }>('script.callFunction', {
      functionDeclaration: fn,
      arguments: arg === undefined ? [] : [{ type: 'string', value: arg }],
      awaitPromise: true,
      target: { context },
    });
    if (r.type === 'exception' || r.result?.type !== 'string') {
      throw new Error(`script failed in Firefox: ${r.exceptionDetails?.text ?? JSON.stringify(r.result)}`);
    }
    return JSON.parse(r.result.value!) as T;
  }

  /** Runs cases (each from its page or the frame) and returns one result per case, as the Chromium session does. */
  async run(
    cases: readonly BrowserCase[],
    options: { concurrency?: number; timeoutMs?: number } = {},
  ): Promise<BrowserResult[]> {
    const concurrency = options.concurrency ?? 16;
    const timeoutMs = options.timeoutMs ?? 20_000;
    const runner = `async (json) => JSON.stringify(await (${runInPage.toString()})(JSON.parse(json)))`;
    const byFrom = (from: BrowserCase['from']) =>
      cases
        .filter((c) => c.from === from)
        .map((c) => ({ key: c.key, url: c.url, init: c.init as Record<string, unknown> }));
    const parts = await Promise.all(
      (['page', 'spage', 'null'] as const).map((from) => {
        const list = byFrom(from);
        return list.length === 0
          ? Promise.resolve([])
          : this.#call<BrowserResult[]>(
              this.contexts[from],
              runner,
              JSON.stringify({ cases: list, concurrency, timeoutMs }),
            );
      }),
    );
    const outcomes = new Map<string, BrowserResult>();
    for (const r of parts.flat()) {
      // Firefox words the network-error TypeError differently; the observation only needs to know it is one.
      if (r.error?.name === 'TypeError' && r.error.message === 'NetworkError when attempting to fetch resource.') {
        r.error.message = 'Failed to fetch';
      }
      outcomes.set(r.key, { ...r, failures: [], console: [] });
    }
    return cases.map((c) => outcomes.get(c.key) ?? { key: c.key, settled: 'timeout', failures: [], console: [] });
  }

  async close(): Promise<void> {
    try {
      await this.bidi.send('browser.close');
    } catch {
      // Already gone.
    }
    this.bidi.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
