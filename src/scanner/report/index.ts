/**
 * Scan reports. Every format streams (see `Reporter`): `text` for people, `json` for tools, `jsonl` for
 * pipelines, `sarif` for code scanning, `markdown` for tickets, `html` for a self-contained page, `junit` for CI
 * test views.
 */
import type { Paint } from './paint.js';
import { htmlReporter } from './html.js';
import { jsonReporter, jsonlReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { JunitReportOptions } from './junit.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

export * from './reporter.js';
export * from './summary.js';
export { noPaint, type Paint, type Style } from './paint.js';
export { count, escapeControl, escapeLine, renderInlineCode } from './terminal.js';
export { renderTarget, textReporter, type TextReportOptions } from './text.js';
export { jsonReporter, jsonlReporter } from './json.js';
export { markdownReporter } from './markdown.js';
export { htmlReporter, htmlReportCsp } from './html.js';
export { escapeXml, junitReporter, type JunitReportOptions } from './junit.js';
export {
  artifactUri,
  defaultSarifArtifact,
  fingerprint,
  sarifLevel,
  sarifReporter,
  securitySeverity,
  type SarifReportOptions,
} from './sarif.js';

/** The report formats, in the order `--help` lists them. */
export const reportFormats = ['text', 'json', 'jsonl', 'sarif', 'markdown', 'html', 'junit'] as const;
/** A report format name. */
export type ReportFormat = (typeof reportFormats)[number];

/**
 * Creates the reporter of a format; `paint` colours the text format only; `redact` see `ReportOptions`;
 * `sarifArtifact` is the repository file SARIF locations point at (see `SarifReportOptions.artifact`); `failOn`
 * is the run's --fail-on, which decides the JUnit failures.
 */
export function createReporter(
  format: ReportFormat,
  options: ReportOptions & { paint?: Paint; sarifArtifact?: string } & JunitReportOptions = {},
): Reporter {
  const common: ReportOptions = options.redact === undefined ? {} : { redact: options.redact };
  switch (format) {
    case 'text':
      // The text report shows only Origin and Access-Control-Request-* request headers: nothing to redact.
      return textReporter(options.paint === undefined ? {} : { paint: options.paint });
    case 'json':
      return jsonReporter(common);
    case 'jsonl':
      return jsonlReporter(common);
    case 'sarif':
      // SARIF carries no request headers.
      return sarifReporter(options.sarifArtifact === undefined ? {} : { artifact: options.sarifArtifact });
    case 'markdown':
      return markdownReporter(common);
    case 'html':
      return htmlReporter(common);
    case 'junit':
      // JUnit carries no request headers.
      return junitReporter(options.failOn === undefined ? {} : { failOn: options.failOn });
  }
}
