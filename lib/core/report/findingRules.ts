/**
 * The configuration's rules applied to one cluster's findings, after the checks and before the
 * scores: ignored findings dropped (and counted), severities changed, and failures that an
 * exception covers turned into accepted risks. An exception that expired before `today` applies
 * to nothing. `today` is passed in: the core reads no clock.
 */
import type { RulesConfig, FindingMatcher, ExceptionConfig } from '../config/rulesConfig.js';
import { resourceText, type AcceptedRisk, type Severity, type Verdict } from '../findings/finding.js';

export interface AppliedRules<T> {
  readonly findings: T[];
  readonly ignored: number;
}

export interface RuleSettings {
  readonly rules: RulesConfig;
  /** `YYYY-MM-DD` (UTC): exceptions whose `expires` is earlier no longer apply. */
  readonly today: string;
}

/** The rules as a run applies them at `now`: exceptions expire by its day (UTC). */
export function ruleSettingsAt(rules: RulesConfig, now: Date): RuleSettings {
  return { rules, today: now.toISOString().slice(0, 10) };
}

type Judged = Verdict & { readonly severity?: Severity };

export function applyFindingRules<T extends Judged>(findings: readonly T[], cluster: string, settings: RuleSettings | undefined): AppliedRules<T> {
  if (!settings) return { findings: [...findings], ignored: 0 };
  const { rules, today } = settings;
  const ignore = (rules.rules?.ignore ?? []).map(compile);
  const severities = (rules.rules?.severity ?? []).map((s) => ({ match: compile(s), severity: s.severity }));
  const exceptions = activeExceptions(rules, today).map((e) => ({ match: compile(e), accepted: { reason: e.reason, owner: e.owner, expires: e.expires } }));
  const kept = findings.filter((f) => !ignore.some((m) => m(f, cluster)));
  const out = kept.map((f): T => {
    const severity = severities.find((s) => s.match(f, cluster))?.severity;
    const rated = severity && severity !== f.severity ? { ...f, severity } : f;
    if (rated.status !== 'fail') return rated;
    const exception = exceptions.find((e) => e.match(rated, cluster));
    return exception ? { ...rated, status: 'accepted', accepted: exception.accepted satisfies AcceptedRisk } : rated;
  });
  return { findings: out, ignored: findings.length - kept.length };
}

/** The exceptions still in force on `today` (the expiry day included). */
function activeExceptions(rules: RulesConfig, today: string): ExceptionConfig[] {
  return (rules.exceptions ?? []).filter((e) => e.expires >= today);
}

export function expiredExceptions(rules: RulesConfig, today: string): ExceptionConfig[] {
  return (rules.exceptions ?? []).filter((e) => e.expires < today);
}

function compile(m: FindingMatcher): (f: Judged, cluster: string) => boolean {
  const resource = m.resource === undefined ? undefined : wildcard(m.resource);
  const clusterName = m.cluster === undefined ? undefined : wildcard(m.cluster);
  return (f, cluster) => (m.technique === undefined || m.technique === f.technique)
    && (m.check === undefined || m.check === f.check)
    && (resource === undefined || resource.test(resourceText(f.resource)))
    && (clusterName === undefined || clusterName.test(cluster));
}

/** A pattern in which `*` stands for any run of characters and everything else for itself. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}
