/**
 * Kubernetes RBAC over the snapshot: which subjects a binding grants which rules, and who may do
 * what. Pure and small: it indexes Roles, ClusterRoles, RoleBindings and ClusterRoleBindings once,
 * then answers `rulesFor(subject)` and `whoCan(verb, target)` with the binding and role behind every
 * grant, as evidence sentences.
 *
 * Semantics follow the RBAC authorizer: `*` in verbs, apiGroups and resources; `*\/sub` resources;
 * resourceNames (a rule with names never grants a collection request); a RoleBinding to a ClusterRole
 * grants it in the binding's namespace only; service accounts belong to the groups
 * `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`, and the user
 * `system:serviceaccount:<ns>:<name>` is that service account.
 *
 * Not modelled: `aggregationRule`. A live snapshot holds the rules the aggregation controller filled
 * in; a manifest ClusterRole with an aggregationRule and no rules grants nothing here. Users' group
 * memberships come from the authenticator, which RBAC objects do not show: a User is assumed to be
 * in `system:authenticated` only.
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { type Json, isMap, stringsIn } from './json.js';

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** Empty: every object of the resources. */
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

export type SubjectKind = 'ServiceAccount' | 'User' | 'Group';

export interface RbacSubject {
  readonly kind: SubjectKind;
  readonly name: string;
  /** Service accounts only. */
  readonly namespace?: string;
}

export interface RoleRef {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** The Role's namespace; null for ClusterRoles. */
  readonly namespace: string | null;
  /** True when the rules are kubeseg's approximation of a built-in ClusterRole missing from the snapshot. */
  readonly builtIn: boolean;
}

export interface BindingRef {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** Null for ClusterRoleBindings. */
  readonly namespace: string | null;
}

/** One rule granted to one subject through one binding. */
export interface Grant {
  /** The subject as the binding names it (a group, when a service account is a member of it). */
  readonly subject: RbacSubject;
  readonly binding: BindingRef;
  readonly role: RoleRef;
  readonly rule: PolicyRule;
  /** Where the grant applies: the RoleBinding's namespace, or null (every namespace, cluster-scoped objects). */
  readonly namespace: string | null;
  /** `ClusterRoleBinding ci-admin grants ClusterRole cluster-admin to ServiceAccount ci/deployer: * on * (all API groups)`. */
  readonly evidence: string;
}

/** A binding whose role is neither in the snapshot nor built in: what it grants is unknown. */
export interface UnresolvedBinding {
  readonly subject: RbacSubject;
  readonly binding: BindingRef;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly namespace: string | null;
  readonly evidence: string;
}

/** What a request acts on; `namespace` null for cluster-scoped objects or requests across all namespaces. */
export interface ResourceTarget {
  /** `''` for the core group. */
  readonly apiGroup: string;
  /** `secrets`, or `pods/exec` for a subresource. */
  readonly resource: string;
  readonly namespace: string | null;
  /** Absent for collection requests (list, watch, create without a name). */
  readonly resourceName?: string;
}

const READ = ['get', 'list', 'watch'];
const READ_WRITE = [...READ, 'create', 'delete', 'deletecollection', 'patch', 'update'];

type RuleData = Partial<PolicyRule> & Pick<PolicyRule, 'verbs'>;

/** What `view` reads in a namespace: everything but Secrets and RBAC. */
const VIEW_RULES: readonly RuleData[] = [
  { apiGroups: [''], verbs: READ, resources: ['pods', 'pods/log', 'pods/status', 'replicationcontrollers', 'replicationcontrollers/scale', 'services', 'endpoints', 'persistentvolumeclaims', 'configmaps', 'serviceaccounts', 'events', 'limitranges', 'resourcequotas', 'namespaces'] },
  { apiGroups: ['apps'], verbs: READ, resources: ['deployments', 'deployments/scale', 'daemonsets', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale', 'controllerrevisions'] },
  { apiGroups: ['batch'], verbs: READ, resources: ['jobs', 'cronjobs'] },
  { apiGroups: ['autoscaling'], verbs: READ, resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['networking.k8s.io'], verbs: READ, resources: ['ingresses', 'networkpolicies'] },
  { apiGroups: ['policy'], verbs: READ, resources: ['poddisruptionbudgets'] },
  { apiGroups: ['discovery.k8s.io'], verbs: READ, resources: ['endpointslices'] },
];

/** What `edit` adds: read and write every workload object, Secrets included, exec, tokens, impersonating service accounts. */
const EDIT_RULES: readonly RuleData[] = [
  ...VIEW_RULES,
  { apiGroups: [''], verbs: READ_WRITE, resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'replicationcontrollers', 'replicationcontrollers/scale', 'services', 'services/proxy', 'endpoints', 'persistentvolumeclaims', 'configmaps', 'secrets', 'serviceaccounts'] },
  { apiGroups: [''], verbs: ['create'], resources: ['serviceaccounts/token'] },
  { apiGroups: [''], verbs: ['impersonate'], resources: ['serviceaccounts'] },
  { apiGroups: ['apps'], verbs: READ_WRITE, resources: ['deployments', 'deployments/scale', 'deployments/rollback', 'daemonsets', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'] },
  { apiGroups: ['batch'], verbs: READ_WRITE, resources: ['jobs', 'cronjobs'] },
  { apiGroups: ['autoscaling'], verbs: READ_WRITE, resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['networking.k8s.io'], verbs: READ_WRITE, resources: ['ingresses', 'networkpolicies'] },
  { apiGroups: ['policy'], verbs: READ_WRITE, resources: ['poddisruptionbudgets'] },
];

/**
 * Built-in ClusterRoles that manifests usually omit, used only when the snapshot has no ClusterRole
 * of that name. A compact approximation of the bootstrap policy (Kubernetes 1.30), exact where it
 * matters to the checks (Secrets, exec, creating workloads, RBAC, ConfigMaps); `admin`/`edit`/`view`
 * are aggregated in a real cluster and may hold more. Other `system:` roles are not approximated: a
 * binding to one the snapshot lacks is reported as unresolved.
 */
export const BUILT_IN_CLUSTER_ROLES: Readonly<Record<string, readonly RuleData[]>> = {
  'cluster-admin': [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }],
  admin: [
    ...EDIT_RULES,
    { apiGroups: ['rbac.authorization.k8s.io'], verbs: READ_WRITE, resources: ['roles', 'rolebindings'] },
    { apiGroups: ['authorization.k8s.io'], verbs: ['create'], resources: ['localsubjectaccessreviews'] },
  ],
  edit: EDIT_RULES,
  view: VIEW_RULES,
  // Bootstrap roles that add-on manifests (metrics-server, kube-proxy) bind without shipping them.
  'system:auth-delegator': [
    { apiGroups: ['authentication.k8s.io'], verbs: ['create'], resources: ['tokenreviews'] },
    { apiGroups: ['authorization.k8s.io'], verbs: ['create'], resources: ['subjectaccessreviews'] },
  ],
  'system:node-proxier': [
    { apiGroups: [''], verbs: ['list', 'watch'], resources: ['endpoints', 'services'] },
    { apiGroups: [''], verbs: READ, resources: ['nodes'] },
    { apiGroups: ['', 'events.k8s.io'], verbs: ['create', 'patch', 'update'], resources: ['events'] },
    { apiGroups: ['discovery.k8s.io'], verbs: ['list', 'watch'], resources: ['endpointslices'] },
  ],
};

/** Built-in Roles, by `namespace/name`, used the same way. */
export const BUILT_IN_ROLES: Readonly<Record<string, readonly RuleData[]>> = {
  'kube-system/extension-apiserver-authentication-reader': [
    { apiGroups: [''], verbs: READ, resources: ['configmaps'], resourceNames: ['extension-apiserver-authentication'] },
  ],
};

function toRule(raw: RuleData | Json): PolicyRule {
  return {
    verbs: stringsIn(raw.verbs), apiGroups: stringsIn(raw.apiGroups), resources: stringsIn(raw.resources),
    resourceNames: stringsIn(raw.resourceNames), nonResourceURLs: stringsIn(raw.nonResourceURLs),
  };
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The user `system:serviceaccount:<ns>:<name>` is the ServiceAccount ns/name. */
export function normalizeSubject(subject: RbacSubject): RbacSubject {
  const m = subject.kind === 'User' ? SA_USER.exec(subject.name) : null;
  return m ? { kind: 'ServiceAccount', namespace: m[1]!, name: m[2]! } : subject;
}

export function subjectText(s: RbacSubject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

/** Whether a binding's subject covers an identity: the same subject, or a group the identity belongs to. */
export function subjectCovers(bound: RbacSubject, who: RbacSubject): boolean {
  if (bound.kind === who.kind) return bound.name === who.name && (bound.namespace ?? '') === (who.namespace ?? '');
  if (bound.kind !== 'Group') return false;
  if (bound.name === 'system:authenticated') return true;
  return who.kind === 'ServiceAccount' && (bound.name === 'system:serviceaccounts' || bound.name === `system:serviceaccounts:${who.namespace}`);
}

const listed = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

/** `pods`, `*`, or `*\/exec` for the subresource `pods/exec`. */
function resourceListed(resources: readonly string[], requested: string): boolean {
  const slash = requested.indexOf('/');
  const sub = slash < 0 ? undefined : requested.slice(slash + 1);
  return resources.some((r) => r === '*' || r === requested || (sub !== undefined && r === `*/${sub}`));
}

/** Whether one rule allows a request (verb, group, resource, name); scope is the binding's business. */
export function ruleAllows(rule: PolicyRule, verb: string, target: Omit<ResourceTarget, 'namespace'>): boolean {
  return listed(rule.verbs, verb) && listed(rule.apiGroups, target.apiGroup) && resourceListed(rule.resources, target.resource)
    && (rule.resourceNames.length === 0 || (target.resourceName !== undefined && rule.resourceNames.includes(target.resourceName)));
}

/** `get, list on secrets named db, cache` / `* on * (all API groups)` / `get on /healthz`. */
export function ruleText(rule: PolicyRule): string {
  const verbs = rule.verbs.join(', ');
  if (rule.resources.length === 0) return `${verbs} on ${rule.nonResourceURLs.join(', ')}`;
  const groups = rule.apiGroups.includes('*') ? ' (all API groups)'
    : rule.apiGroups.every((g) => g === '') ? '' : ` (API group${rule.apiGroups.length > 1 ? 's' : ''} ${rule.apiGroups.map((g) => g || 'core').join(', ')})`;
  const names = rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(', ')}` : '';
  return `${verbs} on ${rule.resources.join(', ')}${names}${groups}`;
}

interface Bound {
  readonly subject: RbacSubject;
  readonly binding: BindingRef;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly role?: { readonly ref: RoleRef; readonly rules: readonly PolicyRule[] };
  readonly namespace: string | null;
}

/** The RBAC objects of a snapshot, indexed once. */
export class RbacIndex {
  private constructor(private readonly bound: readonly Bound[]) {}

  static fromObjects(objects: readonly KubeObject[]): RbacIndex {
    const roles = new Map<string, { ref: RoleRef; rules: PolicyRule[] }>();
    for (const o of objects) {
      if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
      const namespace = o.kind === 'Role' ? o.metadata.namespace || 'default' : null;
      const rules = (Array.isArray(o.rules) ? o.rules : []).filter(isMap).map(toRule);
      roles.set(roleKey(o.kind, o.metadata.name, namespace), { ref: { kind: o.kind, name: o.metadata.name, namespace, builtIn: false }, rules });
    }
    const resolve = (kind: string, name: string, bindingNamespace: string | null): Bound['role'] => {
      if (kind !== 'Role' && kind !== 'ClusterRole') return undefined;
      const namespace = kind === 'Role' ? bindingNamespace : null;
      if (kind === 'Role' && namespace === null) return undefined; // a ClusterRoleBinding cannot bind a Role
      const builtIn = kind === 'Role' ? BUILT_IN_ROLES[`${namespace}/${name}`] : BUILT_IN_CLUSTER_ROLES[name];
      return roles.get(roleKey(kind, name, namespace))
        ?? (builtIn && { ref: { kind, name, namespace, builtIn: true }, rules: builtIn.map(toRule) });
    };
    const bound: Bound[] = [];
    for (const o of objects) {
      if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') continue;
      const namespace = o.kind === 'RoleBinding' ? o.metadata.namespace || 'default' : null;
      const binding: BindingRef = { kind: o.kind, name: o.metadata.name, namespace };
      const ref = isMap(o.roleRef) ? o.roleRef : {};
      const roleRef = { kind: String(ref.kind ?? ''), name: String(ref.name ?? '') };
      const role = resolve(roleRef.kind, roleRef.name, namespace);
      for (const s of (Array.isArray(o.subjects) ? o.subjects : []).filter(isMap)) {
        const subject = parseSubject(s, namespace);
        if (subject) bound.push({ subject, binding, roleRef, namespace, ...(role && { role }) });
      }
    }
    return new RbacIndex(bound);
  }

  /** Every rule granted to a subject, directly or through the groups it belongs to. */
  rulesFor(subject: RbacSubject): Grant[] {
    const who = normalizeSubject(subject);
    return this.bound.filter((b) => subjectCovers(b.subject, who)).flatMap(grantsOf);
  }

  /** The grants that allow `verb` on the target; a RoleBinding counts only in its own namespace. */
  whoCan(verb: string, target: ResourceTarget): Grant[] {
    return this.bound
      .filter((b) => b.namespace === null || b.namespace === target.namespace)
      .flatMap(grantsOf)
      .filter((g) => ruleAllows(g.rule, verb, target));
  }

  /**
   * The grants of bindings that name a matching subject themselves, with no group membership
   * worked out: for identities outside the usual groups, such as anonymous requests.
   */
  grantsNaming(match: (s: RbacSubject) => boolean): Grant[] {
    return this.bound.filter((b) => match(b.subject)).flatMap(grantsOf);
  }

  /** {@link grantsNaming}'s bindings to roles the snapshot does not hold. */
  unresolvedNaming(match: (s: RbacSubject) => boolean): UnresolvedBinding[] {
    return this.unresolved().filter((u) => match(u.subject));
  }

  /** Bindings of a subject (or of its groups) to roles the snapshot does not hold. */
  unresolvedFor(subject: RbacSubject): UnresolvedBinding[] {
    const who = normalizeSubject(subject);
    return this.unresolved().filter((u) => subjectCovers(u.subject, who));
  }

  /** Bindings to unknown roles that apply in a namespace (cluster-wide ones included; null: cluster-wide only). */
  unresolvedIn(namespace: string | null): UnresolvedBinding[] {
    return this.unresolved().filter((u) => u.namespace === null || u.namespace === namespace);
  }

  private unresolved(): UnresolvedBinding[] {
    return this.bound.filter((b) => !b.role).map((b) => ({
      subject: b.subject, binding: b.binding, roleRef: b.roleRef, namespace: b.namespace,
      evidence: `${bindingText(b.binding)} binds ${b.roleRef.kind} ${b.roleRef.name || '(unnamed)'} to ${subjectText(b.subject)}, but that role is not in the evidence`,
    }));
  }
}

function roleKey(kind: string, name: string, namespace: string | null): string {
  return `${kind}|${namespace ?? ''}|${name}`;
}

/** A binding subject; a ServiceAccount without a namespace is in the RoleBinding's namespace (or `default`). */
function parseSubject(raw: Json, bindingNamespace: string | null): RbacSubject | undefined {
  const kind = raw.kind;
  const name = typeof raw.name === 'string' ? raw.name : '';
  if (!name || (kind !== 'ServiceAccount' && kind !== 'User' && kind !== 'Group')) return undefined;
  if (kind !== 'ServiceAccount') return normalizeSubject({ kind, name });
  const namespace = typeof raw.namespace === 'string' && raw.namespace ? raw.namespace : bindingNamespace ?? 'default';
  return { kind, name, namespace };
}

/** `ClusterRoleBinding ci-admin`, `RoleBinding shop/web-config`. */
export function bindingText(b: BindingRef): string {
  return b.namespace === null ? `${b.kind} ${b.name}` : `${b.kind} ${b.namespace}/${b.name}`;
}

function roleText(r: RoleRef): string {
  const name = r.namespace === null ? r.name : `${r.namespace}/${r.name}`;
  return `${r.kind} ${name}${r.builtIn ? ' (built-in, approximated)' : ''}`;
}

function grantsOf(b: Bound): Grant[] {
  if (!b.role) return [];
  const { ref, rules } = b.role;
  const where = b.namespace === null ? '' : ` in namespace ${b.namespace}`;
  const head = `${bindingText(b.binding)} grants ${roleText(ref)} to ${subjectText(b.subject)}${where}`;
  return rules.map((rule) => ({
    subject: b.subject, binding: b.binding, role: ref, rule, namespace: b.namespace, evidence: `${head}: ${ruleText(rule)}`,
  }));
}
