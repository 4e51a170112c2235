/**
 * How reports colour text. The report API takes a `Paint` function as a parameter, so it never depends on the
 * CLI (which decides from the TTY, NO_COLOR and --no-color whether to colour at all).
 */

/** The styles a report asks for; a painter maps each to whatever its output understands (ANSI, nothing...). */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';

/** Wraps `text` in `style`; the identity when colour is off. */
export type Paint = (style: Style, text: string) => string;

/** The painter that colours nothing (files, pipes, NO_COLOR). */
export const noPaint: Paint = (_style, text) => text;
