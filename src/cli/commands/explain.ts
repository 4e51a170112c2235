/**
 * `corsight explain URL --origin ORIGIN ...`: send the preflight (and the actual request when that is
 * safe or `--send` allows it), judge the real answers with `corsight/browser` in every profile, and
 * print the verdicts, Chromium's console line, every step, and the smallest server-side fix.
 * `--browser` repeats the request in headless Chromium and compares.
 */
import { Option, type Command } from 'commander';
import type { AddressSpace, CorsRequest, CredentialsMode, ProfileName } from '../../browser/index.js';
import {
  createLiveSender,
  explainRequest,
  liveAddressSpaces,
  renderExplanation,
  type BrowserComparison,
  type Explanation,
} from '../../explain/index.js';
import { parseOrigin } from '../../fetch/origin.js';
import { validatePolicy, type PolicyConfig } from '../../policy/index.js';
import { loadPolicyFile } from './check-policy.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { painter, useColor } from '../output.js';
import type { Register } from './register.js';

/** Options of `explain` (as parsed from the command line). */
export interface ExplainCommandOptions {
  origin: string;
  method?: string;
  header?: string[];
  credentials?: CredentialsMode;
  profile?: ProfileName;
  send?: boolean;
  browser?: boolean;
  format?: 'text' | 'json';
  /** Response headers the page needs to read (`--expose`, repeatable). */
  expose?: string[];
  resolve?: string[];
  insecure?: boolean;
  timeout?: number;
  /** `false` for `--no-color`. */
  color?: boolean;
  /** `--page-address-space`: the page's IP address space; turns on Chromium's Local Network Access check. */
  pageAddressSpace?: AddressSpace;
  /** `--local-network-access`: the user's answer to the permission prompt (default denied). */
  localNetworkAccess?: 'granted' | 'denied';
  /** `--target-address-space`: fetch()'s targetAddressSpace option. */
  targetAddressSpace?: AddressSpace;
  /** `--policy FILE`: the server's corsight policy (JSON or YAML); the fix then names configuration changes. */
  policy?: string;
}

/** Where the command writes. */
export interface ExplainIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Parses `Name: value`. */
export function parseHeaderOption(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new UsageError(`bad --header '${line}': expected 'Name: value'`);
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new UsageError(`bad --header '${line}': '${name}' is not a valid header name`);
  }
  return [name, value];
}

/** Builds the request and checks the arguments; throws UsageError naming the bad one. */
export function buildRequest(url: string, options: ExplainCommandOptions): CorsRequest {
  if (typeof options.origin !== 'string' || options.origin === '') {
    throw new UsageError('--origin is required (the page origin, e.g. https://app.example.com, or null)');
  }
  if (parseOrigin(options.origin) === null) {
    throw new UsageError(
      `bad --origin '${options.origin}': expected a serialized origin such as https://app.example.com (no path), or null`,
    );
  }
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`bad URL '${url}': expected an absolute http(s) URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new UsageError(`bad URL '${url}': only http and https URLs can be explained`);
  }
  const request: CorsRequest = {
    origin: options.origin,
    url: target.href,
    method: options.method ?? 'GET',
    headers: (options.header ?? []).map(parseHeaderOption),
    credentials: options.credentials ?? 'same-origin',
    mode: 'cors',
  };
  if (options.pageAddressSpace !== undefined) request.addressSpace = options.pageAddressSpace;
  if (options.localNetworkAccess !== undefined) {
    if (options.pageAddressSpace === undefined) {
      throw new UsageError('--local-network-access needs --page-address-space (where the page is, e.g. public)');
    }
    request.localNetworkAccess = options.localNetworkAccess;
  }
  if (options.targetAddressSpace !== undefined) {
    if (options.pageAddressSpace === undefined) {
      throw new UsageError('--target-address-space needs --page-address-space (where the page is, e.g. public)');
    }
    request.targetAddressSpace = options.targetAddressSpace;
  }
  return request;
}

/**
 * Runs `explain` and returns the exit code: 0 allowed in the chosen profile, 1 blocked, 2 usage
 * error (bad flags, a request `fetch()` itself would reject).
 */
export async function explainCommand(url: string, options: ExplainCommandOptions, io: ExplainIO): Promise<number> {
  const request = buildRequest(url, options);
  for (const name of options.expose ?? []) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new UsageError(`bad --expose '${name}': not a header name`);
  }
  let policy: PolicyConfig | undefined;
  if (options.policy !== undefined) {
    const loaded = await loadPolicyFile(options.policy);
    if ('error' in loaded) throw new UsageError(`--policy: ${loaded.error}`);
    const errors = validatePolicy(loaded.config).filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      throw new UsageError(
        `--policy ${options.policy} is not a valid corsight policy (${errors.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}); check it with corsight check-policy`,
      );
    }
    policy = loaded.config as PolicyConfig;
  }
  let live;
  try {
    live = createLiveSender({
      origin: request.origin,
      resolve: options.resolve ?? [],
      insecure: options.insecure === true,
      timeout: options.timeout ?? 10_000,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let explanation: Explanation;
  try {
    explanation = await explainRequest(request, {
      sender: live.send,
      profile: options.profile ?? 'chromium',
      send: options.send === true,
      expose: options.expose ?? [],
      ...(policy !== undefined && { policy }),
      ...(request.addressSpace === undefined
        ? {}
        : { resolveAddressSpace: await liveAddressSpaces(request.url, options.resolve ?? []) }),
    });
  } catch (e) {
    if (e instanceof TypeError) {
      throw new UsageError(`fetch() would reject this request before sending it: ${e.message}`);
    }
    throw e;
  } finally {
    await live.close();
  }
  let browser: BrowserComparison | undefined;
  if (options.browser === true) {
    const { compareInChromium } = await import('../../explain/browser.js');
    try {
      browser = await compareInChromium(request, explanation, {
        resolve: options.resolve ?? [],
        send: options.send === true,
        insecure: options.insecure === true,
      });
    } catch (e) {
      io.stderr.write(`corsight: --browser failed: ${(e as Error).message}\n`);
      return ExitCode.usage;
    }
  }
  if (options.format === 'json') {
    io.stdout.write(JSON.stringify(browser === undefined ? explanation : { ...explanation, browser }, null, 2) + '\n');
  } else {
    io.stdout.write(renderExplanation(explanation, painter(useColor(io.stdout as never, options.color)), browser));
  }
  const unreadable = explanation.exposure !== undefined && explanation.exposure.missing.length > 0;
  return explanation.allowed && !unreadable ? ExitCode.ok : ExitCode.findings;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Registers `explain` on the program. */
export const registerExplain: Register = (program: Command) => {
  program
    .command('explain')
    .description(
      'explain why a cross-origin fetch() passes or fails CORS, in every browser profile, with the smallest server-side fix; exit 0 allowed, 1 blocked, 2 usage error',
    )
    .argument('<url>', 'the URL the page fetches')
    .requiredOption(
      '--origin <origin>',
      'the page origin, e.g. https://app.example.com, or null for a sandboxed/opaque page',
    )
    .option('--method <method>', 'request method', 'GET')
    .option('--header <header>', "request header 'Name: value' (repeatable)", collect, [])
    .addOption(
      new Option('--credentials <mode>', 'fetch() credentials mode')
        .choices(['omit', 'same-origin', 'include'])
        .default('same-origin'),
    )
    .addOption(
      new Option('--profile <profile>', 'browser profile of the main verdict')
        .choices(['chromium', 'firefox', 'safari', 'spec'])
        .default('chromium'),
    )
    .option('--policy <file>', "the server's corsight policy (JSON or YAML): the fix names configuration changes")
    .option(
      '--expose <name>',
      'a response header the page needs to read (repeatable); exit 1 if it cannot',
      collect,
      [],
    )
    .option(
      '--send',
      'also send a non-GET/HEAD actual request (otherwise only its preflight is sent and its response is assumed)',
    )
    .option('--browser', 'repeat the request in headless Chromium (/usr/bin/chromium) and compare')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--resolve <host:address>', 'connect to ADDRESS for HOST (curl style; repeatable)', collect, [])
    .option('--insecure', 'accept any TLS certificate')
    .option(
      '--timeout <ms>',
      'milliseconds per request',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) {
          throw new UsageError(`bad --timeout '${v}': expected a whole number of milliseconds`);
        }
        return n;
      },
      10_000,
    )
    .addOption(
      new Option(
        '--page-address-space <space>',
        "the page's IP address space: check Chromium's Local Network Access (a public page reaching a local or loopback server)",
      ).choices(['public', 'local', 'loopback']),
    )
    .addOption(
      new Option(
        '--local-network-access <answer>',
        "the user's answer to Chromium's local network access prompt",
      ).choices(['granted', 'denied']),
    )
    .addOption(
      new Option(
        '--target-address-space <space>',
        "fetch()'s targetAddressSpace option (with --page-address-space)",
      ).choices(['public', 'local', 'loopback']),
    )
    .option('--no-color', 'no ANSI colours')
    .action(async (url: string, opts: ExplainCommandOptions) => {
      process.exitCode = await explainCommand(url, opts, { stdout: process.stdout, stderr: process.stderr });
    });
};
