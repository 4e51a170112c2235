/**
 * `--scope PATTERN[,PATTERN...]`: which hosts of a HAR are scanned. A pattern is a host name (`api.example.com`,
 * matched exactly) or `*.example.com` (any sub-domain of example.com, at any depth, not example.com itself).
 * Ports are not part of a pattern: a scope names machines, not services.
 */
import { ScanOptionError } from '../errors.js';
import type { TargetRequest } from '../types.js';

/** A compiled scope: `includes(host)` says whether a host name is in it. */
export interface Scope {
  readonly patterns: readonly string[];
  includes(host: string): boolean;
}

const label = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function checkPattern(pattern: string): string {
  const lower = normalizeHost(pattern.trim());
  const name = lower.startsWith('*.') ? lower.slice(2) : lower;
  // An IPv6 literal is a host too, written as the URL writes it.
  const ok = /^\[[0-9a-f:.]+\]$/.test(name) || (name !== '' && name.split('.').every((part) => label.test(part)));
  if (!ok) {
    throw new ScanOptionError(
      `bad --scope '${pattern}': expected a host name (api.example.com) or *.example.com, without scheme or port`,
    );
  }
  return lower;
}

/** Compiles `--scope` patterns (already split on commas); throws `ScanOptionError` for a malformed one. */
export function createScope(patterns: readonly string[]): Scope {
  const checked = patterns.map(checkPattern);
  const exact = new Set(checked.filter((p) => !p.startsWith('*.')));
  const suffixes = checked.filter((p) => p.startsWith('*.')).map((p) => p.slice(1));
  return {
    patterns: checked,
    includes(host) {
      const name = normalizeHost(host);
      return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}

/** Splits a `--scope` value list (repeatable, comma-separated) into patterns. */
export function scopePatterns(values: readonly string[]): string[] {
  const patterns = values
    .flatMap((value) => value.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (values.length > 0 && patterns.length === 0) throw new ScanOptionError('bad --scope: name at least one host');
  return patterns;
}

/** A host left out of the scan, and how many of the input's requests went to it. */
export interface SkippedHost {
  host: string;
  requests: number;
  reason: string;
}

/** Splits targets by scope: those to scan, and the hosts skipped (in first-seen order) with their request counts. */
export function applyScope(
  targets: readonly TargetRequest[],
  scope: Scope,
): { inScope: TargetRequest[]; skipped: SkippedHost[] } {
  const inScope: TargetRequest[] = [];
  const skipped = new Map<string, SkippedHost>();
  for (const target of targets) {
    const host = new URL(target.url).hostname;
    if (scope.includes(host)) {
      inScope.push(target);
      continue;
    }
    const entry = skipped.get(host) ?? { host, requests: 0, reason: 'out of scope' };
    entry.requests++;
    skipped.set(host, entry);
  }
  return { inScope, skipped: [...skipped.values()] };
}
