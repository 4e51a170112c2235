/**
 * `scan --policy FILE`: the live server judged against the policy its owner declares (the same YAML/JSON
 * `corsight check-policy` validates). For each finding about who may read:
 *
 * - trust the policy declares is **declared**: reported at info with `declared: true`, the entry that declares
 *   it, and the validator's advice about that choice (the same words `check-policy` warns with, src/policy/risks.ts);
 * - trust beyond the policy is **drift**: the scanner's severity stays, and the finding names the entry the
 *   server breaks (`origins` when no entry allows the origin, `credentials` or `privateNetwork` when the server
 *   adds what the policy leaves off).
 *
 * Findings that are not about which origins may read (an invalid or un-Varied `Access-Control-Allow-Origin`, an
 * echoing preflight) are the server's bugs whatever the policy says: they keep their severity, unjudged.
 * Declared callers the server refuses are found by the `declared-caller-refused` check (callers.ts).
 */
import { getHeader } from '../../fetch/headers.js';
import { createPolicy, type Policy } from '../../policy/index.js';
import { originRisk } from '../../policy/risks.js';
import { checkConfig } from '../../policy/validate.js';
import { checks } from '../checks/index.js';
import type { CheckId, Finding, PolicyJudgement } from '../types.js';
import { JudgeInputError } from './errors.js';

/**
 * The checks whose findings say which origin may read, the ones a policy declares or not: every trust check, and
 * the hygiene checks about wildcards and Private Network Access.
 */
const trustChecks: ReadonlySet<CheckId> = new Set<CheckId>([
  ...checks.filter((check) => check.kind === 'trust').map((check) => check.id),
  'wildcard-origin',
  'wildcard-with-credentials',
  'private-network-access',
]);

/** One entry of `origins`, compiled alone so the one that allows an origin can be named. */
interface OriginEntry {
  path: string;
  text: string;
  policy: Policy;
  /** The validator's advice on the risk the entry takes, when it takes one. */
  advice: string | undefined;
  /** The entry's host without its wildcard label (`example.com` for `https://*.example.com`); '' for `*`. */
  host: string;
}

/** A caller the policy declares: an origin that must be allowed, with the methods and headers it may use. */
export interface DeclaredCaller {
  /** A concrete origin: the entry itself, or for a wildcard entry one name it covers. */
  origin: string;
  /** The entry it comes from, e.g. `origins[1] https://*.example.com`. */
  entry: string;
  /** True when the entry is this very origin (not a name picked under a wildcard). */
  exact: boolean;
}

/** A validated policy, ready to judge findings and to say which callers it declares. */
export interface DeclaredPolicy {
  /** The file it was read from. */
  readonly source: string;
  readonly credentials: boolean;
  /** Declared callers (exact origins, and one name under each wildcard entry). */
  readonly callers: readonly DeclaredCaller[];
  /** Methods the policy allows beyond the CORS-safelisted ones (normalized; `*` for any). */
  readonly methods: readonly string[];
  /** Request header names the policy allows (lower-case; `*` for any). */
  readonly requestHeaders: readonly string[];
  /** The finding of `url` judged against the policy (a new object; unjudged findings come back as they are). */
  judge(url: string, finding: Finding): Finding;
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return '';
  }
}

/** The label a wildcard entry's example caller gets (the same one the scanner's sub-domain probe uses). */
const exampleLabel = 'corsight-probe';

/**
 * Validates `config` as `check-policy` does and compiles it. Throws `JudgeInputError` listing the errors when the
 * configuration is not a valid policy (a policy that does not compile declares nothing).
 */
export function declarePolicy(config: unknown, source: string): DeclaredPolicy {
  const { problems, normalized } = checkConfig(config);
  const errors = problems.filter((p) => p.severity === 'error');
  if (normalized === undefined || errors.length > 0) {
    throw new JudgeInputError(
      `--policy ${source} is not a valid policy (corsight check-policy ${source} lists every problem): ${errors
        .map((p) => `[${p.code}] ${p.path || '(root)'}: ${p.message}`)
        .join('; ')}`,
    );
  }
  const credentials = normalized.credentials;
  const { origins, dangerouslyAllowInsecureOrigins, dangerouslyAllowPublicSuffixWildcards } = config as {
    origins: unknown[];
    dangerouslyAllowInsecureOrigins?: boolean;
    dangerouslyAllowPublicSuffixWildcards?: boolean;
  };
  const optIns = {
    dangerouslyAllowInsecureOrigins: dangerouslyAllowInsecureOrigins === true,
    dangerouslyAllowPublicSuffixWildcards: dangerouslyAllowPublicSuffixWildcards === true,
  };
  const entries: OriginEntry[] = [];
  const callers: DeclaredCaller[] = [];
  origins.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const path = `origins[${i}]`;
    const pattern =
      normalized.origins === '*' ? undefined : normalized.origins.find((p) => p.text === entry.toLowerCase());
    const risk = originRisk(pattern, credentials);
    entries.push({
      path,
      text: entry,
      // With the configuration's own opt-ins, so an entry the whole policy accepts compiles alone too.
      policy: createPolicy({ origins: [entry], credentials, ...optIns }),
      advice: risk?.advice,
      host: pattern?.host ?? '',
    });
    if (pattern === undefined) return;
    // `:*` stands for any port: the default one is as good a caller as any.
    const port = pattern.port > 0 ? `:${pattern.port}` : '';
    const host = pattern.subdomains
      ? `${exampleLabel}.${pattern.host}`
      : pattern.labelPrefix !== undefined
        ? `${pattern.labelPrefix}${exampleLabel}.${pattern.host}`
        : pattern.host;
    // Only web origins can be probed from here (a `chrome-extension://` caller is not an http origin).
    if (pattern.scheme === 'http' || pattern.scheme === 'https') {
      callers.push({
        origin: `${pattern.scheme}://${host}${port}`,
        entry: `${path} ${entry}`,
        exact: host === pattern.host,
      });
    }
  });
  const methods = normalized.methods === '*' ? ['*'] : normalized.methods;
  const requestHeaders = normalized.requestHeaders.wildcard
    ? ['*', ...normalized.requestHeaders.names]
    : normalized.requestHeaders.names;
  const privateNetwork = normalized.privateNetwork;

  function judgement(finding: Finding): PolicyJudgement | undefined {
    const origin = finding.attackerOrigin;
    const assessed = finding.severity;
    const allowing = entries.find(
      (entry) => origin !== 'null' && entry.policy.evaluate({ method: 'GET', headers: { origin } }).allowed,
    );
    if (allowing === undefined) {
      // A look-alike (`https://attackerexample.com`, `https://app.example.com.evil.tld`) is usually a flawed
      // implementation of one entry: name the entry whose host it imitates.
      const host = origin === 'null' ? '' : hostOf(origin);
      const imitated = entries.find((entry) => entry.host !== '' && host.includes(entry.host));
      return {
        verdict: 'drift',
        entry: imitated === undefined ? 'origins' : `${imitated.path} ${imitated.text}`,
        advice: `No entry of origins allows \`${origin}\`, yet the server lets it read: the deployment trusts more than the policy declares.${
          imitated === undefined
            ? ''
            : ` The origin imitates ${imitated.path} \`${imitated.text}\`: the server's check for that entry is looser than the entry.`
        }`,
        assessed,
      };
    }
    const response = finding.evidence.response.headers;
    if (getHeader(response, 'access-control-allow-credentials') === 'true' && !credentials) {
      return {
        verdict: 'drift',
        entry: 'credentials: false',
        advice: `The policy allows \`${origin}\` (${allowing.path} \`${allowing.text}\`) without credentials; the server allows it with credentials.`,
        assessed,
      };
    }
    if (finding.check === 'private-network-access' && !privateNetwork) {
      return {
        verdict: 'drift',
        entry: 'privateNetwork: false',
        advice: `The policy does not open the private network to \`${origin}\`; the server does.`,
        assessed,
      };
    }
    return {
      verdict: 'declared',
      entry: `${allowing.path} ${allowing.text}`,
      advice: allowing.advice ?? `The policy allows \`${origin}\` (${allowing.path} \`${allowing.text}\`).`,
      assessed,
    };
  }

  return {
    source,
    credentials,
    callers,
    methods,
    requestHeaders,
    judge(_url, finding) {
      if (!trustChecks.has(finding.check)) return finding;
      const policy = judgement(finding);
      if (policy === undefined) return finding;
      if (policy.verdict === 'declared') return { ...finding, severity: 'info', declared: true, policy };
      return { ...finding, policy };
    },
  };
}
