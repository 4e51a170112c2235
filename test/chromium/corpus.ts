/**
 * Loads the hand-written corpus (./corpus/*.json): each file has `about`, `ports` (the WPT files whose
 * behaviour it ports as data) and `cases`; a case's `hops` may name a list from `hops` in the same file or in
 * ./corpus/shared-hops.json. Every case is validated; ids are unique per file and reported as `file/id`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateCase } from './spec.js';
import type { CaseSpec, Hop } from './spec.js';

/** Directory of the corpus files. */
export const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

/** A corpus case with its qualified id (`file/id`). */
export interface CorpusCase extends CaseSpec {
  file: string;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new TypeError(`corpus file ${path.basename(file)}: ${(e as Error).message}`);
  }
}

/** Loads and validates every case file (all but shared-hops.json and sequence files). */
export function loadCorpus(dir = corpusDir): CorpusCase[] {
  const shared = (readJson(path.join(dir, 'shared-hops.json')).hops ?? {}) as Record<string, Hop[]>;
  const out: CorpusCase[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'shared-hops.json' && !f.startsWith('sequence-'))
    .sort();
  for (const file of files) {
    const name = file.replace(/\.json$/, '');
    const data = readJson(path.join(dir, file));
    for (const k of Object.keys(data)) {
      if (!['about', 'ports', 'hops', 'cases'].includes(k)) {
        throw new TypeError(`corpus file ${file}: unknown field "${k}"`);
      }
    }
    if (!Array.isArray(data.cases)) throw new TypeError(`corpus file ${file}: "cases" must be an array`);
    const local = (data.hops ?? {}) as Record<string, Hop[]>;
    const seen = new Set<string>();
    for (const raw of data.cases as Record<string, unknown>[]) {
      const hopsRef = raw.hops;
      let hops = hopsRef;
      if (typeof hopsRef === 'string') {
        hops = local[hopsRef] ?? shared[hopsRef];
        if (!hops) throw new TypeError(`corpus ${name}/${String(raw.id)}: no hop list named "${hopsRef}"`);
      }
      const spec = validateCase({ ...raw, hops });
      if (seen.has(spec.id)) throw new TypeError(`corpus ${name}: duplicate id "${spec.id}"`);
      seen.add(spec.id);
      out.push({ ...spec, id: `${name}/${spec.id}`, file: name });
    }
  }
  return out;
}
