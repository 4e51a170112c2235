import { registerCheckPolicy } from './check-policy.js';
import { registerExplain } from './explain.js';
import { registerScan } from './scan.js';
import { registerDemo } from './demo.js';
import { registerLab } from './lab.js';
import { registerWorker } from './worker.js';
import type { Register } from './register.js';

/** Every sub-command, in the order `--help` lists them. Commands stay thin: parse flags, call the library, print. */
export const commands: Register[] = [
  registerCheckPolicy,
  registerExplain,
  registerScan,
  registerWorker,
  registerLab,
  registerDemo,
];
