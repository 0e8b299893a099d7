import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/core/evidence/snapshot.js';
import { RbacIndex, ruleAllows, subjectText, type Grant, type PolicyRule, type RbacSubject } from '../../lib/core/techniques/rbac.js';

/** An index of YAML documents separated by `---`. */
function index(yaml: string): RbacIndex {
  return RbacIndex.fromObjects(yaml.split(/^---$/m).map((d) => parse(d) as KubeObject));
}

const sa = (namespace: string, name: string): RbacSubject => ({ kind: 'ServiceAccount', namespace, name });
const who = (grants: readonly Grant[]): string[] => [...new Set(grants.map((g) => subjectText(g.subject)))].sort();
const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: [], apiGroups: [''], resources: [], resourceNames: [], nonResourceURLs: [], ...r });

const COREDNS = { apiGroup: '', resource: 'configmaps', namespace: 'kube-system', resourceName: 'coredns' };

describe('rule matching', () => {
  it('honours wildcards in verbs, API groups and resources', () => {
    // Prepare
    const all = rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    const apps = rule({ verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] });
    // Act / Assess
    expect(ruleAllows(all, 'delete', { apiGroup: 'apps', resource: 'deployments' })).toBe(true);
    expect(ruleAllows(all, 'create', { apiGroup: '', resource: 'pods/exec' })).toBe(true);
    expect(ruleAllows(apps, 'create', { apiGroup: 'apps', resource: 'deployments' })).toBe(true);
    expect(ruleAllows(apps, 'create', { apiGroup: '', resource: 'deployments' })).toBe(false);
    expect(ruleAllows(apps, 'update', { apiGroup: 'apps', resource: 'deployments' })).toBe(false);
  });

  it('matches subresources exactly or through */subresource, never through the parent resource', () => {
    // Prepare
    const pods = rule({ verbs: ['create'], resources: ['pods'] });
    const anyExec = rule({ verbs: ['create'], resources: ['*/exec'] });
    // Act / Assess
    expect(ruleAllows(pods, 'create', { apiGroup: '', resource: 'pods/exec' })).toBe(false);
    expect(ruleAllows(anyExec, 'create', { apiGroup: '', resource: 'pods/exec' })).toBe(true);
    expect(ruleAllows(anyExec, 'create', { apiGroup: '', resource: 'pods' })).toBe(false);
  });

  it('grants named objects only, and never a collection request, when resourceNames are set', () => {
    // Prepare
    const named = rule({ verbs: ['get', 'update'], resources: ['configmaps'], resourceNames: ['app-config'] });
    // Act / Assess
    expect(ruleAllows(named, 'update', { apiGroup: '', resource: 'configmaps', resourceName: 'app-config' })).toBe(true);
    expect(ruleAllows(named, 'update', { apiGroup: '', resource: 'configmaps', resourceName: 'coredns' })).toBe(false);
    expect(ruleAllows(named, 'get', { apiGroup: '', resource: 'configmaps' })).toBe(false);
  });

  it('never grants resources through a non-resource rule', () => {
    expect(ruleAllows(rule({ verbs: ['*'], nonResourceURLs: ['*'] }), 'get', { apiGroup: '', resource: 'secrets' })).toBe(false);
  });
});

describe('RbacIndex', () => {
  it('answers rulesFor a service account through its bindings and its groups', () => {
    // Prepare
    const rbac = index(`
kind: Role
metadata: { name: reader, namespace: shop }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get] }]
---
kind: RoleBinding
metadata: { name: web-reader, namespace: shop }
roleRef: { kind: Role, name: reader }
subjects: [{ kind: ServiceAccount, name: web }]
---
kind: ClusterRoleBinding
metadata: { name: all-sa-view }
roleRef: { kind: ClusterRole, name: view }
subjects: [{ kind: Group, name: "system:serviceaccounts:shop" }]
---
kind: ClusterRoleBinding
metadata: { name: other-ns }
roleRef: { kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: "system:serviceaccounts:billing" }]`);
    // Act
    const grants = rbac.rulesFor(sa('shop', 'web'));
    // Assess
    expect(new Set(grants.map((g) => g.binding.name))).toEqual(new Set(['web-reader', 'all-sa-view']));
    expect(grants[0]!.evidence).toBe('RoleBinding shop/web-reader grants Role shop/reader to ServiceAccount shop/web in namespace shop: get on secrets');
    expect(grants.find((g) => g.binding.name === 'all-sa-view')!.role.builtIn).toBe(true);
  });

  it('treats the user system:serviceaccount:<ns>:<name> as that service account', () => {
    // Prepare
    const rbac = index(`
kind: ClusterRoleBinding
metadata: { name: legacy }
roleRef: { kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: User, name: "system:serviceaccount:ci:deployer" }]`);
    // Act
    const grants = rbac.rulesFor(sa('ci', 'deployer'));
    // Assess
    expect(grants.map((g) => g.evidence)).toContain(
      'ClusterRoleBinding legacy grants ClusterRole cluster-admin (built-in, approximated) to ServiceAccount ci/deployer: * on * (all API groups)');
  });

  it('answers whoCan with RoleBindings to ClusterRoles limited to their namespace', () => {
    // Prepare
    const rbac = index(`
kind: ClusterRole
metadata: { name: cm-writer }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [update, patch] }]
---
kind: RoleBinding
metadata: { name: dns-writer, namespace: kube-system }
roleRef: { kind: ClusterRole, name: cm-writer }
subjects: [{ kind: ServiceAccount, name: dns-bot, namespace: tools }]
---
kind: RoleBinding
metadata: { name: app-writer, namespace: shop }
roleRef: { kind: ClusterRole, name: cm-writer }
subjects: [{ kind: ServiceAccount, name: web, namespace: shop }]
---
kind: ClusterRoleBinding
metadata: { name: everyone-writes }
roleRef: { kind: ClusterRole, name: cm-writer }
subjects: [{ kind: Group, name: "system:authenticated" }]`);
    // Act
    const writers = rbac.whoCan('patch', COREDNS);
    // Assess
    expect(who(writers)).toEqual(['Group system:authenticated', 'ServiceAccount tools/dns-bot']);
    expect(writers.map((g) => g.evidence)).toContain(
      'RoleBinding kube-system/dns-writer grants ClusterRole cm-writer to ServiceAccount tools/dns-bot in namespace kube-system: update, patch on configmaps');
  });

  it('respects resourceNames and verbs in whoCan', () => {
    // Prepare
    const rbac = index(`
kind: Role
metadata: { name: named, namespace: kube-system }
rules:
- { apiGroups: [""], resources: [configmaps], resourceNames: [kube-proxy], verbs: [update] }
- { apiGroups: [""], resources: [configmaps], resourceNames: [coredns], verbs: [get] }
- { apiGroups: [""], resources: [configmaps], resourceNames: [coredns], verbs: ["*"] }
---
kind: RoleBinding
metadata: { name: named, namespace: kube-system }
roleRef: { kind: Role, name: named }
subjects: [{ kind: User, name: alice }]`);
    // Act
    const updaters = rbac.whoCan('update', COREDNS);
    // Assess
    expect(updaters.map((g) => g.rule.verbs)).toEqual([['*']]);
    expect(rbac.whoCan('update', { ...COREDNS, resourceName: 'other' })).toEqual([]);
  });

  it('uses a ClusterRole of the snapshot before the built-in approximation', () => {
    // Prepare
    const rbac = index(`
kind: ClusterRole
metadata: { name: edit }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]
---
kind: ClusterRoleBinding
metadata: { name: devs }
roleRef: { kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: devs }]`);
    // Act / Assess
    expect(rbac.whoCan('get', { apiGroup: '', resource: 'secrets', namespace: 'shop' })).toEqual([]);
    expect(who(rbac.whoCan('get', { apiGroup: '', resource: 'pods', namespace: 'shop' }))).toEqual(['Group devs']);
  });

  it('approximates the built-in admin, edit and view roles', () => {
    // Prepare
    const rbac = index(`
kind: RoleBinding
metadata: { name: a, namespace: shop }
roleRef: { kind: ClusterRole, name: admin }
subjects: [{ kind: User, name: admin-user }]
---
kind: RoleBinding
metadata: { name: e, namespace: shop }
roleRef: { kind: ClusterRole, name: edit }
subjects: [{ kind: User, name: edit-user }]
---
kind: RoleBinding
metadata: { name: v, namespace: shop }
roleRef: { kind: ClusterRole, name: view }
subjects: [{ kind: User, name: view-user }]`);
    const shop = (resource: string, apiGroup = ''): { apiGroup: string; resource: string; namespace: string } => ({ apiGroup, resource, namespace: 'shop' });
    // Act / Assess
    expect(who(rbac.whoCan('get', shop('secrets')))).toEqual(['User admin-user', 'User edit-user']);
    expect(who(rbac.whoCan('create', shop('pods/exec')))).toEqual(['User admin-user', 'User edit-user']);
    expect(who(rbac.whoCan('create', shop('rolebindings', 'rbac.authorization.k8s.io')))).toEqual(['User admin-user']);
    expect(who(rbac.whoCan('list', shop('deployments', 'apps')))).toEqual(['User admin-user', 'User edit-user', 'User view-user']);
    expect(rbac.whoCan('get', { apiGroup: '', resource: 'secrets', namespace: 'billing' })).toEqual([]);
  });

  it('knows the bootstrap roles add-ons bind without shipping them', () => {
    // Prepare
    const rbac = index(`
kind: RoleBinding
metadata: { name: metrics-server-auth-reader, namespace: kube-system }
roleRef: { kind: Role, name: extension-apiserver-authentication-reader }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
kind: ClusterRoleBinding
metadata: { name: "system:node-proxier" }
roleRef: { kind: ClusterRole, name: "system:node-proxier" }
subjects: [{ kind: ServiceAccount, name: kube-proxy, namespace: kube-system }]`);
    // Act / Assess
    expect(rbac.unresolvedIn('kube-system')).toEqual([]);
    expect(who(rbac.whoCan('get', { apiGroup: '', resource: 'configmaps', namespace: 'kube-system', resourceName: 'extension-apiserver-authentication' })))
      .toEqual(['ServiceAccount kube-system/metrics-server']);
    expect(rbac.whoCan('update', COREDNS)).toEqual([]);
    expect(who(rbac.whoCan('watch', { apiGroup: '', resource: 'services', namespace: null }))).toEqual(['ServiceAccount kube-system/kube-proxy']);
  });

  it('reports bindings to roles it cannot find instead of granting nothing silently', () => {
    // Prepare
    const rbac = index(`
kind: RoleBinding
metadata: { name: mystery, namespace: shop }
roleRef: { kind: ClusterRole, name: custom-aggregate }
subjects: [{ kind: ServiceAccount, name: web, namespace: shop }]`);
    // Act
    const unresolved = rbac.unresolvedFor(sa('shop', 'web'));
    // Assess
    expect(rbac.rulesFor(sa('shop', 'web'))).toEqual([]);
    expect(unresolved.map((u) => u.evidence)).toEqual([
      'RoleBinding shop/mystery binds ClusterRole custom-aggregate to ServiceAccount shop/web, but that role is not in the evidence']);
    expect(rbac.unresolvedIn('shop')).toHaveLength(1);
    expect(rbac.unresolvedIn('kube-system')).toEqual([]);
  });

  it('does not give a group binding to users or to other groups', () => {
    // Prepare
    const rbac = index(`
kind: ClusterRoleBinding
metadata: { name: sa-only }
roleRef: { kind: ClusterRole, name: view }
subjects: [{ kind: Group, name: "system:serviceaccounts" }]`);
    // Act / Assess
    expect(rbac.rulesFor({ kind: 'User', name: 'alice' })).toEqual([]);
    expect(rbac.rulesFor({ kind: 'Group', name: 'devs' })).toEqual([]);
    expect(rbac.rulesFor(sa('any', 'one')).length).toBeGreaterThan(0);
  });
});
