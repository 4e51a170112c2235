/**
 * The target sources of `corsight scan` beyond URLs and --input: a HAR (`--har`, limited by `--scope`) and an
 * OpenAPI document (`--openapi`, joined to `--base-url`). Both are read before anything is sent, so a malformed
 * file ends the run with one line (exit 2) and the reports know every header name to redact.
 */
import {
  applyScope,
  createScope,
  InputFileError,
  readHar,
  readOpenApi,
  ScanOptionError,
  scopePatterns,
  type SkippedHost,
  type TargetRequest,
} from '../scanner/index.js';
import { UsageError } from './exit-codes.js';

/** The flags this module reads. */
export interface SourceFlags {
  har?: string;
  scope?: string[];
  openapi?: string;
  baseUrl?: string;
  header?: string[];
  cookie?: string;
}

/** Targets read from --har and --openapi, the hosts left out by --scope, and notes for stderr. */
export interface Sources {
  targets: TargetRequest[];
  skipped: SkippedHost[];
  /** Lower-case names of the headers the targets carry (their values are redacted like --header values). */
  headerNames: string[];
  /** One line each, for stderr ("app.har: 41 requests, 12 targets..."). */
  notes: string[];
}

/** Validates `--base-url`: an absolute http(s) URL. */
function baseUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`bad --base-url '${value}': expected an absolute URL such as https://api.example.com/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`bad --base-url '${value}': the scheme must be http or https`);
  }
  if (url.username !== '' || url.password !== '') throw new UsageError(`bad --base-url '${value}': no user info`);
  return url.href;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reads --har and --openapi. Throws `UsageError` (exit 2) for a bad flag or a file that cannot be used. */
export async function readSources(flags: SourceFlags): Promise<Sources> {
  const sources: Sources = { targets: [], skipped: [], headerNames: [], notes: [] };
  if (flags.scope !== undefined && flags.scope.length > 0 && flags.har === undefined) {
    throw new UsageError('--scope limits the hosts of a HAR: give --har FILE too');
  }
  if (flags.baseUrl !== undefined && flags.openapi === undefined) {
    throw new UsageError('--base-url replaces the server of an OpenAPI document: give --openapi FILE too');
  }
  try {
    if (flags.har !== undefined) {
      const patterns = scopePatterns(flags.scope ?? []);
      // A bad --scope is refused before the HAR (maybe large) is read.
      if (patterns.length > 0) createScope(patterns);
      const har = await readHar(flags.har);
      // The default scope: the hosts of the HAR's pages (the application), or every host of a HAR without pages.
      const scope = createScope(patterns.length > 0 ? patterns : har.pageHosts);
      const { inScope, skipped } =
        har.pageHosts.length > 0 || patterns.length > 0
          ? applyScope(har.targets, scope)
          : { inScope: har.targets, skipped: [] };
      sources.targets.push(...inScope);
      sources.skipped.push(...skipped);
      const scopeText =
        patterns.length > 0 ? patterns.join(',') : har.pageHosts.length > 0 ? har.pageHosts.join(',') : 'every host';
      sources.notes.push(
        `${flags.har}: ${plural(har.entries, 'request')}, ${plural(har.targets.length, 'distinct request')}; scope ${scopeText}: ${plural(inScope.length, 'target')}, ${plural(skipped.length, 'host')} skipped${har.ignored > 0 ? `, ${har.ignored} left out (not http(s), or the browser's preflights)` : ''}`,
      );
    }
    if (flags.openapi !== undefined) {
      const given = (flags.header ?? []).map((line) => (line.split(':')[0] ?? '').trim());
      if (flags.cookie !== undefined) given.push('Cookie');
      const api = await readOpenApi(flags.openapi, {
        ...(flags.baseUrl === undefined ? {} : { baseUrl: baseUrlOf(flags.baseUrl) }),
        given,
      });
      sources.targets.push(...api.targets);
      sources.notes.push(
        `${flags.openapi}: ${api.version.startsWith('2') ? 'Swagger' : 'OpenAPI'} ${api.version}, ${plural(api.targets.length, 'operation')} at ${api.baseUrl}${api.ignored > 0 ? ` (${api.ignored} OPTIONS/TRACE left out)` : ''}`,
      );
    }
  } catch (error) {
    if (error instanceof InputFileError || error instanceof ScanOptionError) throw new UsageError(error.message);
    throw error;
  }
  const names = new Set<string>();
  for (const target of sources.targets) for (const [name] of target.headers ?? []) names.add(name.toLowerCase());
  sources.headerNames = [...names];
  return sources;
}
