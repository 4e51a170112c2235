/**
 * Text bound for a terminal. Anything a server, an input file or a user controls may hold control characters
 * (ESC sequences that recolour, move the cursor or rewrite the title bar; CR that overwrites a line), so they are
 * shown escaped, never interpreted.
 */

// C0 controls except TAB and LF, DEL, and the C1 controls (U+0080-U+009F, which include the 8-bit CSI).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlOrNewline = /[\u0000-\u001f\u007f-\u009f]/g;

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Escapes control characters as `\xNN`, keeping tabs and line breaks (multi-line prose stays multi-line). */
export function escapeControl(text: string): string {
  return text.replace(controlCharacters, hex);
}

/** Escapes every control character, line breaks included: for text that must stay on one line (input, headers). */
export function escapeLine(text: string): string {
  return text.replace(controlOrNewline, hex);
}

/**
 * Inline code in finding prose is written with backticks (`Access-Control-Allow-Origin`). Plain text shows the
 * code itself, painted as code when colour is on, and never the raw backticks.
 */
export function renderInlineCode(text: string, code: (snippet: string) => string): string {
  return text.replace(/`([^`\n]+)`/g, (_match, snippet: string) => code(snippet));
}

/** "1 request", "2 requests": `plural` defaults to `singular` + "s". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
