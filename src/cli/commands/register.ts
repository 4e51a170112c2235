import type { Command } from 'commander';

/**
 * What each command module exports: a function that adds its sub-command to the program. It lives apart from
 * the list of commands (index.ts) so that a command importing the type does not import the list that imports it.
 */
export type Register = (program: Command) => void;
