import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resourcesOf } from '../../lib/adapters/k8s/resources.js';
import {
  awsAuthMapRolesYaml, groupNameProblem, readerClusterRole, readerClusterRoleBinding, readerRoleManifest, readerRoleResources, readerRoleYaml,
} from '../../lib/core/access/readerRole.js';
import { EVIDENCE_KIND_NAMES } from '../../lib/core/evidence/snapshot.js';

const MANIFEST = resolve(import.meta.dirname, '../../infra/kubeseg-reader.yaml');

describe('the kubeseg-reader role', () => {
  it('is what infra/kubeseg-reader.yaml holds, byte for byte', () => {
    expect(readFileSync(MANIFEST, 'utf8')).toBe(readerRoleManifest());
  });

  it('reads exactly the resources the live collector lists', () => {
    // Prepare: every resource of every evidence step, as `group/plural`.
    const collected = EVIDENCE_KIND_NAMES.flatMap(resourcesOf).map((r) => `${r.group}/${r.plural}`);
    // Assess: a kind added to the collector without the role (or the reverse) fails here.
    expect([...readerRoleResources()].sort()).toEqual([...new Set(collected)].sort());
  });

  it('grants nothing on Secrets, no wildcard and no verb but get and list', () => {
    const rules = readerClusterRole().rules as { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs: string[] }[];
    const resources = rules.flatMap((r) => r.resources ?? []);
    expect(resources).not.toContain('secrets');
    expect(rules.flatMap((r) => [...(r.apiGroups ?? []), ...resources, ...r.verbs, ...(r.nonResourceURLs ?? [])])).not.toContain('*');
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list']));
    // The only non-resource rule is discovery, read-only.
    expect(rules.filter((r) => r.nonResourceURLs)).toEqual([{ nonResourceURLs: ['/api', '/apis'], verbs: ['get'] }]);
  });

  it('is two YAML documents: the role and its binding to the group', () => {
    const docs = parseAllDocuments(readerRoleYaml('team:audit')).map((d) => d.toJSON());
    expect(docs).toEqual([readerClusterRole(), readerClusterRoleBinding('team:audit')]);
    expect(docs[1].subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team:audit' }]);
    expect(docs[1].roleRef.name).toBe(docs[0].metadata.name);
  });

  it('binds the default group kubeseg:readers in the shipped file', () => {
    const docs = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((d) => d.toJSON());
    expect(docs.map((d) => d.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(docs[1].subjects[0].name).toBe('kubeseg:readers');
  });
});

describe('groupNameProblem', () => {
  it.each(['kubeseg:readers', 'audit', 'team.a_b-c@x'])('accepts %s', (g) => expect(groupNameProblem(g)).toBeUndefined());
  it.each([
    ['', 'empty'], ['system:masters', "prefix 'system:' is reserved"], ['a b', 'only letters'], ['x\n- kind: User', 'only letters'],
    [':lead', 'starts with a letter'], ['a'.repeat(256), 'longer than 255'],
  ])('refuses %j', (g, why) => expect(groupNameProblem(g)).toContain(why));
});

describe('awsAuthMapRolesYaml', () => {
  it('maps the role, without its path, to the group', () => {
    const entries = parseAllDocuments(awsAuthMapRolesYaml('arn:aws:iam::123456789012:role/team/ops/kubeseg', 'kubeseg:readers'))[0]!.toJSON();
    expect(entries).toEqual([{ rolearn: 'arn:aws:iam::123456789012:role/kubeseg', username: 'kubeseg:{{SessionName}}', groups: ['kubeseg:readers'] }]);
  });
});
