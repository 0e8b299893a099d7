/** toYaml remembers recent documents by their content, never by the object: a changed object gets its own text. */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../lib/core/format/yamlText.js';

describe('toYaml', () => {
  it('writes what the YAML library writes, for the same object again and after it changed', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop\n---\nkind: x' } };
    const first = toYaml(policy);
    expect(first).toBe(stringify(policy, { lineWidth: 0 }).trimEnd());
    expect(toYaml(policy)).toBe(first);
    policy.metadata.name = 'allow';
    expect(toYaml(policy)).toBe(stringify(policy, { lineWidth: 0 }).trimEnd());
    expect(toYaml(policy, { kind: 'ServiceAccount' })).toBe(`${stringify(policy, { lineWidth: 0 }).trimEnd()}\n---\nkind: ServiceAccount`);
  });

  it('stays correct past the number of documents it keeps', () => {
    for (let i = 0; i < 5000; i++) expect(toYaml({ n: i })).toBe(`n: ${i}`);
    expect(toYaml({ n: 1 })).toBe('n: 1');
  });
});
