/**
 * A target source (HAR, OpenAPI document, config file) that cannot be read: one error naming the file and where
 * in it (a JSON pointer such as `/log/entries/3/request/url`, or a line), so the fix is one edit away.
 */
export class InputFileError extends Error {
  override name = 'InputFileError';

  constructor(
    /** The file as the user named it. */
    readonly file: string,
    /** Where in the file: a JSON pointer (`/paths/~1items/get`) or `line N`; empty for the file as a whole. */
    readonly where: string,
    /** What is wrong there. */
    readonly problem: string,
  ) {
    super(`${file}${where === '' ? '' : ` at ${where}`}: ${problem}`);
  }
}

/** A JSON pointer (https://www.rfc-editor.org/rfc/rfc6901) from its reference tokens. */
export function jsonPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
