/**
 * RBAC findings about identities (ServiceAccounts, Users, Groups) rather than workloads: which
 * identities are the control plane, the resource a finding about an identity names, grouping grants
 * by identity, the IAM principals EKS access entries put in a group, and the cluster-wide outcome
 * when RBAC could not be collected.
 */
import { unknown, type CheckOutcome, type ResourceRef } from '../findings/finding.js';
import { accessEntryMembers } from './cloudFacts.js';
import type { CheckContext } from './context.js';
import type { RbacSubject } from './rbac.js';

/**
 * Identities that are the control plane or the managed platform, not something an attacker gets from
 * a pod: the checks leave them out of their findings and name them in the pass evidence instead.
 */
const CONTROL_PLANE = {
  /** Cluster administrators by design, and the kubelets. */
  groups: ['system:masters', 'system:nodes'],
  /** The control plane's own components (kubeadm's name for the API server's kubelet client included). */
  users: ['system:kube-controller-manager', 'system:kube-scheduler', 'system:kube-apiserver', 'kube-apiserver-kubelet-client'],
  /** EKS's own users (eks:addon-manager updates the CoreDNS add-on's ConfigMap). */
  userPrefixes: ['eks:'],
  /** kube-system ServiceAccounts of built-in controllers, bound to the bootstrap `system:controller:*` ClusterRoles. */
  controllerRolePrefix: 'system:controller:',
} as const;

/** Whether a grant through `roleName` to this identity is the control plane's own. */
export function isControlPlane(subject: RbacSubject, roleName: string): boolean {
  switch (subject.kind) {
    case 'Group':
      return (CONTROL_PLANE.groups as readonly string[]).includes(subject.name);
    case 'User':
      return (CONTROL_PLANE.users as readonly string[]).includes(subject.name) || CONTROL_PLANE.userPrefixes.some((p) => subject.name.startsWith(p));
    case 'ServiceAccount':
      return subject.namespace === 'kube-system' && roleName.startsWith(CONTROL_PLANE.controllerRolePrefix);
  }
}

/** A ServiceAccount is a namespaced object; Users and Groups are cluster-wide names. */
export function resourceOfSubject(s: RbacSubject): ResourceRef {
  return s.kind === 'ServiceAccount' ? { kind: s.kind, namespace: s.namespace ?? 'default', name: s.name } : { kind: s.kind, namespace: null, name: s.name };
}

export const subjectKey = (s: RbacSubject): string => `${s.kind}|${s.namespace ?? ''}|${s.name}`;

export function groupBySubject<T extends { readonly subject: RbacSubject }>(items: readonly T[]): Map<string, { subject: RbacSubject; grants: T[] }> {
  const out = new Map<string, { subject: RbacSubject; grants: T[] }>();
  for (const item of items) {
    const key = subjectKey(item.subject);
    const entry = out.get(key) ?? { subject: item.subject, grants: [] };
    entry.grants.push(item);
    out.set(key, entry);
  }
  return out;
}

/** IAM principals that EKS access entries put in a group, as an evidence line (none for other identities). */
export function groupMembers(ctx: CheckContext, subject: RbacSubject): string[] {
  if (subject.kind !== 'Group') return [];
  const members = accessEntryMembers(ctx.snapshot, subject.name);
  return members.length === 0 ? [] : [`EKS access entries put ${members.join(', ')} in Group ${subject.name}`];
}

/** The cluster as the resource of a finding about the whole cluster's RBAC. */
export function clusterRef(ctx: CheckContext): ResourceRef {
  return { kind: 'Cluster', namespace: null, name: ctx.snapshot.cluster.name };
}

/** A cluster-wide RBAC check's one outcome when RBAC could not be collected (with why), or undefined when it was. */
export function unknownWithoutRbac(ctx: CheckContext, check: string, message: string): CheckOutcome | undefined {
  const step = ctx.evidence('rbac');
  if (step.status === 'ok') return undefined;
  return unknown(check, clusterRef(ctx), message, [`rbac: ${step.status}${step.detail ? ` (${step.detail})` : ''}`]);
}
