/**
 * Errors of the scanner runtime. A probe's failure is a net error (`src/net/errors.ts`), named `ProbeError`
 * in the scanner's API; a target that fails yields one `TargetResult` with `status: 'error'` whose `error` is
 * its message; the run itself never aborts because of a target.
 */
export { NetError as ProbeError, type NetErrorCode as ProbeErrorCode } from '../net/errors.js';

/** A scan option with an unusable value; the message names the option and the value. The CLI maps it to exit 2. */
export class ScanOptionError extends TypeError {
  override name = 'ScanOptionError';
}
