/**
 * The SARIF report against what GitHub code scanning accepts on upload, as documented in "SARIF support for code
 * scanning" (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)
 * and its upload limits (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/uploading-a-sarif-file-to-github#upload-limits).
 * The official schema is checked in report.test.ts; these are the constraints GitHub adds on top of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.js';
import {
  closedPort,
  httpServer,
  preflightCheck,
  reflecting,
  reflectionCheck,
  type TestServer,
} from '../__fixtures__/servers.js';
import { addToSummary, artifactUri, emptySummary, sarifReporter, type ReportedTarget } from './index.js';

const checks = [reflectionCheck, preflightCheck];
let server: TestServer;
let results: ReportedTarget[] = [];

beforeAll(async () => {
  server = await httpServer(reflecting);
  const refused = await closedPort();
  const scanner = createScanner({ checks, retries: 0, timeout: 2000 });
  results = [await scanner.scanTarget(`${server.url}/api`), await scanner.scanTarget(`http://127.0.0.1:${refused}/`)];
  await scanner.close();
  // A target the scanner could only partly decide.
  results.push({
    ...structuredClone(results[0]!),
    url: `${server.url}/partial`,
    status: 'partial',
    checks: [{ id: 'origin-reflected', outcome: 'inconclusive', reason: 'rate limited (429) after 3 attempts' }],
  });
});
afterAll(async () => {
  await server.close();
});

type Json = Record<string, unknown>;
const array = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** Every reason GitHub would refuse (or silently drop part of) this log; empty when it is accepted. */
function githubProblems(log: Json): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push('version must be 2.1.0');
  const runs = array(log.runs);
  if (!Array.isArray(log.runs)) problems.push('runs must be an array');
  if (runs.length > 20) problems.push('at most 20 runs per file');
  const locationProblems = (where: string, locations: Json[]) => {
    if (locations.length > 1000) problems.push(`${where}: at most 1000 locations`);
    for (const location of locations) {
      const uri = object(object(object(location).physicalLocation).artifactLocation).uri;
      if (typeof uri !== 'string' || uri === '') {
        problems.push(`${where}: physicalLocation.artifactLocation.uri missing`);
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('file:')) {
        problems.push(`${where}: artifactLocation.uri '${uri}' has a scheme code scanning refuses`);
      }
    }
  };
  runs.forEach((run, r) => {
    const driver = object(object(run.tool).driver);
    if (typeof driver.name !== 'string' || driver.name === '') problems.push(`run ${r}: tool.driver.name missing`);
    const rules = array(driver.rules);
    if (rules.length > 25_000) problems.push(`run ${r}: at most 25000 rules`);
    const ids = new Set<string>();
    for (const rule of rules) {
      if (typeof rule.id !== 'string') problems.push(`run ${r}: a rule without id`);
      else ids.add(rule.id);
      const properties = object(rule.properties);
      if (array(properties.tags).length > 20) problems.push(`rule ${String(rule.id)}: at most 20 tags`);
      const score = properties['security-severity'];
      if (score !== undefined && (typeof score !== 'string' || !(Number(score) >= 0 && Number(score) <= 10))) {
        problems.push(`rule ${String(rule.id)}: security-severity must be a number from 0.0 to 10.0`);
      }
    }
    const runResults = array(run.results);
    if (runResults.length > 25_000) problems.push(`run ${r}: at most 25000 results`);
    runResults.forEach((result, i) => {
      const where = `run ${r} result ${i}`;
      if (typeof result.ruleId !== 'string' || !ids.has(result.ruleId)) problems.push(`${where}: ruleId names no rule`);
      const text = object(result.message).text;
      if (typeof text !== 'string' || text === '') problems.push(`${where}: message.text missing`);
      if (!['none', 'note', 'warning', 'error'].includes(String(result.level))) problems.push(`${where}: bad level`);
      const locations = array(result.locations);
      if (locations.length === 0) problems.push(`${where}: no location`);
      locationProblems(where, locations);
      if (Object.keys(object(result.partialFingerprints)).length === 0) {
        problems.push(`${where}: no partialFingerprints (alerts would duplicate across runs)`);
      }
    });
    array(run.invocations).forEach((invocation, n) => {
      array(invocation.toolExecutionNotifications).forEach((notification, i) => {
        locationProblems(`run ${r} invocation ${n} notification ${i}`, array(notification.locations));
      });
    });
  });
  return problems;
}

function render(artifact?: string): Json {
  const reporter = sarifReporter(artifact === undefined ? {} : { artifact });
  let text = reporter.begin({ tool: 'corsight', version: '9.9.9', startedAt: new Date(0), checks });
  const summary = emptySummary();
  for (const result of results) {
    text += reporter.target(result);
    addToSummary(summary, result);
  }
  return JSON.parse(text + reporter.end(summary, new Date(1000))) as Json;
}

describe('SARIF for GitHub code scanning', () => {
  it('finds what GitHub refuses, so the checks below can fail (the old http artifact location)', () => {
    const log = render();
    const result = array(array(log.runs)[0]?.results)[0]!;
    object(array(result.locations)[0]?.physicalLocation).artifactLocation = { uri: `${server.url}/api` };
    expect(githubProblems(log)).toEqual([expect.stringMatching(/has a scheme code scanning refuses/)]);
  });

  it('is accepted: repository-file locations, the URL as logical location and in the message', () => {
    const log = render('scan/targets.txt');
    expect(githubProblems(log)).toEqual([]);
    const run = array(log.runs)[0]!;
    const [first] = array(run.results);
    expect(object(array(first?.locations)[0])).toEqual({
      physicalLocation: { artifactLocation: { uri: 'scan/targets.txt', uriBaseId: '%SRCROOT%' } },
      logicalLocations: [{ name: `${server.url}/api`, fullyQualifiedName: `${server.url}/api`, kind: 'resource' }],
    });
    expect(object(first?.message).text).toMatch(new RegExp(`^${server.url}/api: `));
  });

  it('records the target that failed and the one left partial as notifications, located the same way', () => {
    const log = render();
    const notifications = array(array(array(log.runs)[0]?.invocations)[0]?.toolExecutionNotifications);
    expect(notifications.map((n) => [n.level, object(n.message).text])).toEqual([
      ['error', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/: not scanned: ECONNREFUSED/)],
      ['warning', `${server.url}/partial: partial: 1 of 1 check undecided: rate limited (429) after 3 attempts`],
    ]);
    expect(githubProblems(log)).toEqual([]);
  });

  it('writes the artifact as a relative URI and refuses what code scanning could not place', () => {
    expect(artifactUri('./my targets/prod#1.txt')).toBe('my%20targets/prod%231.txt');
    expect(artifactUri('scans\\targets.txt')).toBe('scans/targets.txt');
    for (const bad of ['https://example.com/targets.txt', '/etc/targets.txt', '../outside.txt', '']) {
      expect(() => artifactUri(bad)).toThrow(/is not a path relative to the repository root/);
    }
  });
});
