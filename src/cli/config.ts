/**
 * The scan's config file: `corsight.config.yaml` (or `.yml`, `.json`) found upward from the working directory, or
 * `--config FILE`. It holds any `scan` option under its long flag name (`fail-on` or `failOn`), plus `targets` (the
 * URLs given as arguments), so a team commits its scan set-up once. Flags given on the command line override it.
 *
 * The keys are the command's own options (read from its definition), so an option added to `scan` is accepted here
 * with no second list to keep in step. Every key and value is checked; a bad one is one error naming the file and
 * the key's JSON pointer, or the line of a syntax error.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Option } from 'commander';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { InputFileError, jsonPointer } from '../scanner/index.js';

/** The names looked for, in this order, in each directory from the working directory up. */
export const configFileNames = ['corsight.config.yaml', 'corsight.config.yml', 'corsight.config.json'] as const;

/**
 * Options whose values are paths: relative ones are taken from the config file's directory (the file is committed
 * beside what it names, and a scan may start in a sub-directory). `report` values are `FORMAT:FILE`.
 */
export const configPathKeys: readonly string[] = [
  'input',
  'har',
  'openapi',
  'output',
  'log',
  'sarifArtifact',
  'policy',
  'baseline',
  'ignoreFile',
];

/** A read config: the options it sets (attribute names, as commander names them), its targets, and its file. */
export interface ScanConfig {
  file: string;
  options: Record<string, unknown>;
  targets: string[];
}

/** The config file of `cwd`: the first of {@link configFileNames} in `cwd` or a directory above it. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of configFileNames) {
      const candidate = path.join(dir, name);
      try {
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // Not here: look further up.
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** What a value of `option` must be. */
function kindOf(option: Option): 'boolean' | 'list' | 'value' {
  if (!option.required && !option.optional) return 'boolean';
  return Array.isArray(option.defaultValue) || option.variadic ? 'list' : 'value';
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Reads and validates a config file against the command's `options`. Throws `InputFileError` naming the file and
 * where (a line for a syntax error, a JSON pointer for a bad key or value).
 */
export async function readScanConfig(file: string, options: readonly Option[]): Promise<ScanConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(
      file,
      '',
      `cannot read: ${code === 'EISDIR' ? 'it is a directory' : (code ?? String(error))}`,
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const [syntax] = document.errors;
  if (syntax !== undefined) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new InputFileError(file, `line ${line}`, `not valid YAML or JSON: ${syntax.message.split('\n')[0] ?? ''}`);
  }
  if (document.contents !== null && !isMap(document.contents)) {
    throw new InputFileError(file, '', 'expected a mapping of scan options (e.g. "fail-on: medium")');
  }
  const raw: unknown = document.toJS() ?? {};
  const byName = new Map<string, Option>();
  for (const option of options) {
    const name = option.attributeName();
    // `--no-color` is the option; its key is `color` (false), as commander names it.
    if (name !== 'config') byName.set(name, option);
  }
  const dir = path.dirname(path.resolve(file));
  const resolvePath = (value: string) => (path.isAbsolute(value) || value === '-' ? value : path.join(dir, value));
  const config: ScanConfig = { file, options: {}, targets: [] };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const where = jsonPointer([key]);
    if (key === 'targets') {
      const list = Array.isArray(value) ? (value as unknown[]) : [value];
      config.targets = list.map((item, index) => {
        if (typeof item !== 'string') {
          throw new InputFileError(file, jsonPointer([key, index]), 'expected a URL string');
        }
        return item;
      });
      continue;
    }
    const name = camel(key);
    const option = byName.get(name);
    if (option === undefined) {
      const known = ['targets', ...[...byName.keys()].map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))];
      throw new InputFileError(file, where, `unknown option '${key}' (known: ${known.join(', ')})`);
    }
    let parsed: unknown;
    switch (kindOf(option)) {
      case 'boolean':
        if (typeof value !== 'boolean') throw new InputFileError(file, where, 'expected true or false');
        parsed = value;
        break;
      case 'list': {
        const list = Array.isArray(value) ? (value as unknown[]) : [value];
        parsed = list.map((item, index) => {
          const text = scalar(item);
          if (text === undefined) throw new InputFileError(file, jsonPointer([key, index]), 'expected a string');
          if (name !== 'report') return configPathKeys.includes(name) ? resolvePath(text) : text;
          const colon = text.indexOf(':');
          return colon === -1 ? text : `${text.slice(0, colon)}:${resolvePath(text.slice(colon + 1))}`;
        });
        break;
      }
      default: {
        const text = scalar(value);
        if (text === undefined) throw new InputFileError(file, where, 'expected a string or a number');
        if (option.argChoices !== undefined && !option.argChoices.includes(text)) {
          throw new InputFileError(file, where, `'${text}' is not one of ${option.argChoices.join(', ')}`);
        }
        parsed = configPathKeys.includes(name) ? resolvePath(text) : text;
      }
    }
    config.options[name] = parsed;
  }
  return config;
}

/**
 * The options of a run: the config's, overridden by every option given on the command line (`given` says which;
 * a repeatable flag replaces the config's list, it does not add to it). Targets given as arguments replace the
 * config's `targets`.
 */
export function mergeScanConfig<T extends object>(
  config: ScanConfig,
  urls: readonly string[],
  flags: T,
  given: (name: string) => boolean,
): { urls: string[]; options: T } {
  const merged: Record<string, unknown> = { ...config.options };
  for (const [name, value] of Object.entries(flags)) if (given(name) || !(name in merged)) merged[name] = value;
  return { urls: urls.length > 0 ? [...urls] : config.targets, options: merged as T };
}
