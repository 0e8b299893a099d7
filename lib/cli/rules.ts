/**
 * `kubeseg.yaml` for `scan --config` and `demo --config`: the rules and exceptions (see
 * lib/core/config/rulesConfig.ts), and what they become for one run on a given day. A file that
 * cannot be read or is invalid is an input error, named in one line.
 */
import { RulesConfigError, parseRulesConfig, type RulesConfig } from '../core/config/rulesConfig.js';
import type { DiagnosticList } from '../core/diagnostics.js';
import { expiredExceptions, ruleSettingsAt, type RuleSettings } from '../core/report/findingRules.js';
import { readConfigFile } from './configFile.js';

export function readRulesConfig(path: string, diagnostics: DiagnosticList): Promise<RulesConfig | undefined> {
  return readConfigFile(path, parseRulesConfig, RulesConfigError, diagnostics);
}

/** The rules as a run applies them on `now`'s day (UTC), with a warning per expired exception. */
export function ruleSettings(rules: RulesConfig | undefined, now: Date, diagnostics: DiagnosticList): RuleSettings | undefined {
  if (!rules) return undefined;
  const settings = ruleSettingsAt(rules, now);
  for (const warning of expiryWarnings(settings)) diagnostics.warn(warning);
  return settings;
}

/** One line per exception that expired before the run's day. */
export function expiryWarnings(settings: RuleSettings): string[] {
  return expiredExceptions(settings.rules, settings.today).map((e) =>
    `exception for ${e.technique}${e.check ? ` ${e.check}` : ''} on ${e.resource} (owner ${e.owner}) expired on ${e.expires} and no longer applies`);
}
