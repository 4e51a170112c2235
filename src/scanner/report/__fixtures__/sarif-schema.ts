/**
 * A validator for the official SARIF 2.1.0 schema (sarif-schema-2.1.0.json beside this file), shared by the report
 * tests that check their SARIF against it.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL('./sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  // The schema's `(?i)` inline flag is not JavaScript syntax: map it to the `i` flag (see README.md).
  const regExp = (pattern: string, flags: string) =>
    pattern.startsWith('^(?i)') ? new RegExp(`^${pattern.slice(5)}`, `${flags}i`) : new RegExp(pattern, flags);
  regExp.code = 'new RegExp';
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, code: { regExp } });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
