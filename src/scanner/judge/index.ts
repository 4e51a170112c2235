/**
 * The judge: what a scan's findings mean for the team running it (declared policy, baseline, accepted risks,
 * the site view), applied to each result after the scan and before the reports.
 */
export { createJudge, type Judge, type JudgeOptions, type ResolvedFinding } from './judge.js';
export { declarePolicy, type DeclaredCaller, type DeclaredPolicy } from './policy.js';
export { declaredCallersCheck, declaredCallerId, type DeclaredCallerId } from './callers.js';
export { parseBaseline, type Baseline, type BaselineFinding } from './baseline.js';
export { parseIgnoreFile, type IgnoreEntry, type IgnoreList } from './ignore.js';
export { findingFingerprint, fingerprintOf, fingerprintScheme, stableRule, targetIdentity } from './fingerprint.js';
export { JudgeInputError } from './errors.js';
export { readJudgeFile } from './read.js';
