/** Kubernetes label selectors: validation (as the API server does it) and matching. */

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A validated selector. An empty selector matches everything. */
export interface LabelSelector {
  readonly requirements: readonly SelectorRequirement[];
  /** Canonical text, equal for selectors that mean the same; used to cache matches. */
  readonly key: string;
}

export const MATCH_ALL: LabelSelector = { requirements: [], key: '{}' };

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Returns why `key` is not a valid label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `key: Invalid value: "${key}": prefix part must be a lowercase DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character, and be at most 63 characters`;
  }
  return undefined;
}

/** Returns why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) {
    return `values: Invalid value: "${value}": a valid label value must be empty or consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character, and be at most 63 characters`;
  }
  return undefined;
}

export type SelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

/** Validates a raw `{matchLabels, matchExpressions}` object from a manifest. */
export function parseLabelSelector(raw: unknown): SelectorResult {
  if (raw === null || raw === undefined) return { ok: true, selector: MATCH_ALL };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'selector must be an object' };
  const { matchLabels, matchExpressions, ...rest } = raw as Record<string, unknown>;
  const unknownFields = Object.keys(rest);
  if (unknownFields.length > 0) return { ok: false, error: `unknown field "${unknownFields[0]}" in selector` };
  const requirements: SelectorRequirement[] = [];

  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== 'object' || Array.isArray(matchLabels)) return { ok: false, error: 'matchLabels must be a map' };
    for (const [key, value] of Object.entries(matchLabels)) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) return { ok: false, error: keyProblem };
      if (typeof value !== 'string') return { ok: false, error: `matchLabels value of "${key}" must be a string` };
      const valueProblem = labelValueProblem(value);
      if (valueProblem) return { ok: false, error: valueProblem };
      requirements.push({ key, operator: 'In', values: [value] });
    }
  }

  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return { ok: false, error: 'matchExpressions must be a list' };
    for (const expr of matchExpressions) {
      const parsed = parseRequirement(expr);
      if ('error' in parsed) return { ok: false, error: parsed.error };
      requirements.push(parsed);
    }
  }
  return { ok: true, selector: makeSelector(requirements) };
}

function parseRequirement(raw: unknown): SelectorRequirement | { error: string } {
  if (typeof raw !== 'object' || raw === null) return { error: 'matchExpressions entry must be an object' };
  const { key, operator, values } = raw as Record<string, unknown>;
  if (typeof key !== 'string') return { error: 'key: Required value' };
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) return { error: keyProblem };
  if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
    return { error: `operator: Unsupported value: "${String(operator)}": supported values: "In", "NotIn", "Exists", "DoesNotExist"` };
  }
  if (values !== undefined && values !== null && !Array.isArray(values)) return { error: 'values must be a list' };
  const list = (values ?? []) as unknown[];
  if (!list.every((v) => typeof v === 'string')) return { error: 'values must be strings' };
  const strings = list as string[];
  if ((operator === 'In' || operator === 'NotIn') && strings.length === 0) {
    return { error: `values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'` };
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && strings.length > 0) {
    return { error: `values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'` };
  }
  for (const v of strings) {
    const problem = labelValueProblem(v);
    if (problem) return { error: problem };
  }
  return { key, operator: operator as SelectorOperator, values: [...new Set(strings)].sort() };
}

/** Builds a selector from requirements that are already valid (also used by tests and generators). */
export function makeSelector(requirements: readonly SelectorRequirement[]): LabelSelector {
  const sorted = [...requirements].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.operator.localeCompare(b.operator));
  const key = sorted.length === 0 ? '{}' : sorted.map((r) => `${r.key} ${r.operator} (${r.values.join(',')})`).join('; ');
  return { requirements: sorted, key };
}

/** Selector for `{matchLabels: labels}`. */
export function selectorFromLabels(labels: Labels): LabelSelector {
  return makeSelector(Object.entries(labels).map(([key, value]) => ({ key, operator: 'In', values: [value] })));
}

export function matches(selector: LabelSelector, labels: Labels): boolean {
  for (const r of selector.requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Human-readable form for evidence and explanations, e.g. `app=web, tier in (a,b)`. */
export function describeSelector(selector: LabelSelector): string {
  if (selector.requirements.length === 0) return '{} (all)';
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(', ');
}
