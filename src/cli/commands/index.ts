import type { Command } from 'commander';
import { registerCheckPolicy } from './check-policy.js';
import { registerExplain } from './explain.js';
import { registerScan } from './scan.js';
import { registerDemo } from './demo.js';
import { registerLab } from './lab.js';

/**
 * Each command module exports a function that adds its sub-command to the program.
 * Commands stay thin: parse flags, call the library, print. Add new ones here.
 */
export type Register = (program: Command) => void;

export const commands: Register[] = [registerCheckPolicy, registerExplain, registerScan, registerLab, registerDemo];
