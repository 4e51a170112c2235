/**
 * Severity arithmetic: the scale is info < low < medium < high < critical; modifiers move a grade by whole
 * steps, clamped at both ends. How a grade is chosen lives in `access.ts` (the browser model).
 */
import type { Severity } from '../types.js';
import { severities } from '../types.js';

/** Moves `severity` by `steps` (negative = down), clamped to info..critical. */
export function shift(severity: Severity, steps: number): Severity {
  const index = severities.indexOf(severity) + steps;
  return severities[Math.max(0, Math.min(severities.length - 1, index))] ?? severity;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severities.indexOf(a) >= severities.indexOf(b) ? a : b;
}

/** True when a is strictly more severe than b. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return severities.indexOf(a) > severities.indexOf(b);
}

/** The lower of two severities. */
export function minSeverity(a: Severity, b: Severity): Severity {
  return severities.indexOf(a) <= severities.indexOf(b) ? a : b;
}
