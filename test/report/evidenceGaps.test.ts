import { describe, expect, it } from 'vitest';
import { evidenceGaps } from '../../lib/core/report/evidenceGaps.js';

describe('evidenceGaps', () => {
  it('tells which IAM actions a forbidden cloud step needs, and Kubernetes RBAC for a forbidden kind', () => {
    // Prepare
    const collection = [
      { step: 'access entries', status: 'forbidden' as const, detail: 'eks:ListAccessEntries on cluster shop: AccessDeniedException (HTTP 403)' },
      { step: 'rbac', status: 'forbidden' as const, detail: '403 Forbidden: list roles.rbac.authorization.k8s.io' },
      { step: 'vpc-cni add-on', status: 'absent' as const, detail: 'eks:DescribeAddon vpc-cni on cluster shop: not installed as an EKS add-on' },
      { step: 'node groups', status: 'ok' as const },
    ];

    // Act
    const gaps = evidenceGaps(collection, 'manifests');

    // Assess
    expect(gaps.map((g) => g.reason)).toEqual([
      'access entries could not be read (eks:ListAccessEntries on cluster shop: AccessDeniedException (HTTP 403)): allow eks:ListAccessEntries, '
        + 'eks:DescribeAccessEntry and eks:ListAssociatedAccessPolicies to the collector\'s IAM role',
      'RBAC objects could not be read (403 Forbidden: list roles.rbac.authorization.k8s.io): give the collector\'s role list and get on them (`kubeseg grant-access`)',
      'eks:DescribeAddon vpc-cni on cluster shop: not installed as an EKS add-on',
    ]);
  });

  it('does not count what a live API server does not serve as a gap: none of those objects exist there', () => {
    // Prepare
    const collection = [
      { step: 'adminnetworkpolicies', status: 'absent' as const, detail: 'not served by the API server: policy.networking.k8s.io/v1alpha1' },
      { step: 'rbac', status: 'forbidden' as const, detail: '403 Forbidden: list roles.rbac.authorization.k8s.io' },
    ];

    // Act
    const live = evidenceGaps(collection, 'eks');
    const offline = evidenceGaps(collection, 'manifests');

    // Assess
    expect(live.map((g) => g.step)).toEqual(['rbac']);
    expect(offline.map((g) => g.step)).toEqual(['adminnetworkpolicies', 'rbac']);
  });
});
