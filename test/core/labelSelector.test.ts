import { describe, expect, it } from 'vitest';
import {
  describeSelector, labelKeyProblem, labelValueProblem, matches, MATCH_ALL, parseLabelSelector, selectorFromLabels,
  type LabelSelector, type Labels,
} from '../../lib/core/netpol/labelSelector.js';

function parse(raw: unknown): LabelSelector {
  const result = parseLabelSelector(raw);
  if (!result.ok) throw new Error(`unexpected selector error: ${result.error}`);
  return result.selector;
}

function errorOf(raw: unknown): string {
  const result = parseLabelSelector(raw);
  if (result.ok) throw new Error('expected a selector error');
  return result.error;
}

/** Which of the label sets a selector matches, by index. */
function matching(raw: unknown, candidates: readonly Labels[]): number[] {
  const selector = parse(raw);
  return candidates.flatMap((labels, i) => (matches(selector, labels) ? [i] : []));
}

const PODS: readonly Labels[] = [
  { app: 'web', tier: 'front' }, // 0
  { app: 'web', tier: 'back' }, // 1
  { app: 'db' }, // 2
  {}, // 3
  { app: 'cache', tier: 'back', env: 'prod' }, // 4
];

describe('label selector matching', () => {
  it('matches everything with an absent, null or empty selector', () => {
    // Prepare / Act / Assess
    expect(matching(undefined, PODS)).toEqual([0, 1, 2, 3, 4]);
    expect(matching(null, PODS)).toEqual([0, 1, 2, 3, 4]);
    expect(matching({}, PODS)).toEqual([0, 1, 2, 3, 4]);
    expect(parse({})).toEqual(MATCH_ALL);
  });

  it('requires every matchLabels pair', () => {
    // Prepare / Act / Assess
    expect(matching({ matchLabels: { app: 'web' } }, PODS)).toEqual([0, 1]);
    expect(matching({ matchLabels: { app: 'web', tier: 'back' } }, PODS)).toEqual([1]);
    expect(matching({ matchLabels: { app: 'nope' } }, PODS)).toEqual([]);
  });

  it('matches In against any listed value and never a missing key', () => {
    // Prepare / Act / Assess
    expect(matching({ matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] }, PODS)).toEqual([2, 4]);
  });

  it('matches NotIn when the key is missing or has another value', () => {
    // Prepare / Act / Assess
    expect(matching({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, PODS)).toEqual([0, 2, 3]);
  });

  it('matches Exists and DoesNotExist on the key alone', () => {
    // Prepare / Act / Assess
    expect(matching({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, PODS)).toEqual([0, 1, 4]);
    expect(matching({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, PODS)).toEqual([2, 3]);
  });

  it('ANDs matchLabels with every matchExpression', () => {
    // Prepare
    const raw = {
      matchLabels: { tier: 'back' },
      matchExpressions: [
        { key: 'app', operator: 'In', values: ['web', 'cache'] },
        { key: 'env', operator: 'DoesNotExist' },
      ],
    };

    // Act / Assess
    expect(matching(raw, PODS)).toEqual([1]);
  });

  it('gives equivalent selectors the same key', () => {
    // Prepare
    const a = parse({ matchLabels: { app: 'web', tier: 'back' } });
    const b = parse({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }, { key: 'app', operator: 'In', values: ['web'] }] });
    const c = parse({ matchExpressions: [{ key: 'app', operator: 'In', values: ['b', 'a', 'b'] }] });

    // Act / Assess
    expect(a.key).toBe(b.key);
    expect(c.key).toBe('app In (a,b)');
    expect(selectorFromLabels({ tier: 'back', app: 'web' }).key).toBe(a.key);
  });

  it('describes selectors for humans', () => {
    // Prepare
    const s = parse({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });

    // Act / Assess
    expect(describeSelector(s)).toBe('app=web, env notin (dev), !legacy, team, tier in (a,b)');
    expect(describeSelector(MATCH_ALL)).toBe('{} (all)');
  });
});

describe('label selector validation', () => {
  it('accepts prefixed keys and empty values', () => {
    // Prepare / Act / Assess
    expect(labelKeyProblem('kubernetes.io/metadata.name')).toBeUndefined();
    expect(labelKeyProblem('app.kubernetes.io/part-of')).toBeUndefined();
    expect(labelValueProblem('')).toBeUndefined();
    expect(matching({ matchLabels: { app: '' } }, [{ app: '' }, { app: 'x' }, {}])).toEqual([0]);
  });

  it('rejects invalid label keys with the Kubernetes wording', () => {
    // Prepare / Act / Assess
    expect(errorOf({ matchLabels: { 'app@b': 'x' } })).toBe(
      'key: Invalid value: "app@b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', start and end with an alphanumeric character, and be at most 63 characters');
    expect(errorOf({ matchLabels: { 'Upper.Case/app': 'x' } })).toContain('prefix part must be a lowercase DNS subdomain');
    expect(errorOf({ matchLabels: { '/app': 'x' } })).toContain('prefix part must be a lowercase DNS subdomain');
    expect(errorOf({ matchLabels: { [`a${'b'.repeat(63)}`]: 'x' } })).toContain('at most 63 characters');
    expect(errorOf({ matchExpressions: [{ key: '-app', operator: 'Exists' }] })).toContain('key: Invalid value: "-app"');
  });

  it('rejects invalid label values, including markup', () => {
    // Prepare / Act / Assess
    expect(errorOf({ matchLabels: { app: '<script>alert(1)</script>' } })).toBe(
      'values: Invalid value: "<script>alert(1)</script>": a valid label value must be empty or consist of alphanumeric characters, \'-\', \'_\' or \'.\', start and end with an alphanumeric character, and be at most 63 characters');
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'In', values: ['ok', 'bad value'] }] })).toContain('"bad value"');
    expect(errorOf({ matchLabels: { app: 'x'.repeat(64) } })).toContain('at most 63 characters');
  });

  it('rejects unknown operators', () => {
    // Prepare / Act / Assess
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] })).toBe(
      'operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"');
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'in', values: ['x'] }] })).toContain('Unsupported value: "in"');
  });

  it('requires values for In and NotIn and forbids them for Exists and DoesNotExist', () => {
    // Prepare / Act / Assess
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] })).toBe(
      "values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'NotIn' }] })).toContain('Required value');
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] })).toBe(
      "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  });

  it('rejects structurally wrong selectors', () => {
    // Prepare / Act / Assess
    expect(errorOf('app=web')).toBe('selector must be an object');
    expect(errorOf([])).toBe('selector must be an object');
    expect(errorOf({ matchLabel: { app: 'web' } })).toBe('unknown field "matchLabel" in selector');
    expect(errorOf({ matchLabels: ['app'] })).toBe('matchLabels must be a map');
    expect(errorOf({ matchLabels: { app: 5 } })).toBe('matchLabels value of "app" must be a string');
    expect(errorOf({ matchExpressions: { key: 'app' } })).toBe('matchExpressions must be a list');
    expect(errorOf({ matchExpressions: [{ operator: 'Exists' }] })).toBe('key: Required value');
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'In', values: 'web' }] })).toBe('values must be a list');
    expect(errorOf({ matchExpressions: [{ key: 'app', operator: 'In', values: [1] }] })).toBe('values must be strings');
  });
});
