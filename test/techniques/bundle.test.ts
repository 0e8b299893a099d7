/**
 * Merging suggestions into one bundle: whatever order the techniques suggest in, what one
 * suggestion takes away no other gives back, and an existing policy is corrected once.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/core/evidence/snapshot.js';
import type { Finding, Remediation } from '../../lib/core/findings/finding.js';
import { buildRemediationBundle, mergeSuggestedManifests, remediationFileNames } from '../../lib/core/techniques/bundle.js';
import { editedPolicy, egressEdit, ingressEdits } from '../../lib/core/techniques/policyEdits.js';
import { asDefaultDenyEgress, asEgressExceptPolicy } from '../../lib/core/techniques/remediation.js';

type Obj = Record<string, unknown>;

function policy(name: string, podSelector: Obj, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'kube-system' }, spec: { podSelector, ...spec } };
}

const TILLER = { matchLabels: { app: 'helm', name: 'tiller' } };

describe('merging suggestions', () => {
  it('keeps a deny-all when another suggestion for the same policy would admit cluster pods', () => {
    // Prepare
    const denyAll = policy('kubeseg-restrict-ingress-tiller', TILLER, { policyTypes: ['Ingress'], ingress: [] });
    const clusterOnly = policy('kubeseg-restrict-ingress-tiller', TILLER, {
      policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 44134 }] }],
    });

    // Act
    const both = [mergeSuggestedManifests([clusterOnly, denyAll]), mergeSuggestedManifests([denyAll, clusterOnly])];

    // Assess
    for (const merged of both) {
      expect(merged).toHaveLength(1);
      expect((merged[0] as Obj).spec).toMatchObject({ policyTypes: ['Ingress'], ingress: [] });
    }
  });

  it('keeps an allowing suggestion off the pods another suggestion closes', () => {
    // Prepare
    const denyAll = policy('kubeseg-restrict-ingress-tiller', TILLER, { policyTypes: ['Ingress'], ingress: [] });
    const sameNamespace = policy('kubeseg-same-namespace-ingress', {}, { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });

    // Act
    const merged = mergeSuggestedManifests([sameNamespace, denyAll]) as Obj[];

    // Assess
    const allow = merged.find((m) => (m.metadata as Obj).name === 'kubeseg-same-namespace-ingress')!;
    expect((allow.spec as Obj).podSelector).toEqual({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['helm'] }] });
  });

  it('rebuilds an existing policy once from the original with every suggestion\'s edits', () => {
    // Prepare
    const original = policy('open', {}, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { podSelector: {} }] }, { from: [{ namespaceSelector: {} }] }],
      egress: [{}],
    }) as unknown as KubeObject;
    const dropOutside = editedPolicy(original, ingressEdits([0], (rule) => [{ ...rule, from: [{ podSelector: {} }] }]));
    const sameNamespace = editedPolicy(original, ingressEdits([1], () => [{ from: [{ podSelector: {} }] }]));
    const noImds = editedPolicy(original, egressEdit((rule) => [{ ...rule, to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }]));

    // Act
    const merged = mergeSuggestedManifests([dropOutside, sameNamespace, noImds]) as Obj[];

    // Assess
    expect(merged).toHaveLength(1);
    expect((merged[0]!.spec as Obj).ingress).toEqual([{ from: [{ podSelector: {} }] }, { from: [{ podSelector: {} }] }]);
    expect((merged[0]!.spec as Obj).egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }]);
  });

  it('unites the except lists of kubeseg egress suggestions for one workload', () => {
    // Prepare
    const except = (cidrs: string[]): Obj => policy('kubeseg-egress-web', { matchLabels: { app: 'web' } }, {
      policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: cidrs } }] }, { to: [{ namespaceSelector: {} }] }],
    });

    // Act
    const merged = mergeSuggestedManifests([except(['169.254.169.254/32']), except(['10.0.0.10/32'])]) as Obj[];

    // Assess
    expect(((merged[0]!.spec as Obj).egress as Obj[])[0]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '10.0.0.10/32'] } }] });
  });

  it('merges the pod-spec patches of one workload into one, containers by name', () => {
    // Prepare
    const target = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    const finding = (remediation: Remediation): Finding => ({
      id: 'x', technique: 'T', check: 'c', severity: 'high', status: 'fail', message: '', evidence: [],
      resource: { kind: 'Deployment', namespace: 'shop', name: 'web' }, remediation,
    });
    const patches = [
      { target, patch: { spec: { template: { spec: { automountServiceAccountToken: false } } } } },
      { target, patch: { spec: { template: { spec: { containers: [{ name: 'web', securityContext: { capabilities: { drop: ['NET_RAW'] } } }] } } } } },
      { target, patch: { spec: { template: { spec: { containers: [{ name: 'web', volumeMounts: [{ name: 'logs', readOnly: true }] }] } } } } },
    ];

    // Act
    const bundle = buildRemediationBundle(patches.map((p) => finding({ text: 'fix', patches: [p] })));

    // Assess
    expect(bundle.patches).toEqual([{
      target,
      patch: { spec: { template: { spec: {
        automountServiceAccountToken: false,
        containers: [{ name: 'web', securityContext: { capabilities: { drop: ['NET_RAW'] } }, volumeMounts: [{ name: 'logs', readOnly: true }] }],
      } } } },
    }]);
  });

  it('drops an "everything but these addresses" egress policy where a limiting one selects the same pods', () => {
    // Prepare
    const web = { matchLabels: { app: 'web' } };
    const except = asEgressExceptPolicy(policy('kubeseg-egress-web', web, { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }] }));
    const limit = (): Obj => asDefaultDenyEgress(policy('kubeseg-limit-egress-web', web, { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }));

    // Act: two techniques suggest the same limiting policy
    const merged = mergeSuggestedManifests([except, limit(), limit()]) as Obj[];

    // Assess
    expect(merged.map((m) => (m.metadata as Obj).name)).toEqual(['kubeseg-limit-egress-web']);
  });
});

describe('remediation file names', () => {
  it('are remediation.yaml for one cluster, one per cluster in a fleet, and safe whatever the cluster is called', () => {
    expect(remediationFileNames([{ name: 'prod', source: 'manifests' }])).toEqual(['remediation.yaml']);
    expect(remediationFileNames([
      { name: 'prod', account: '1', region: 'eu-west-1', source: 'eks' },
      { name: 'prod', account: '2', region: 'eu-west-1', source: 'eks' },
      { name: '../../etc/passwd\n\u202E', source: 'eks' },
    ])).toEqual(['remediation-prod-1-eu-west-1.yaml', 'remediation-prod-2-eu-west-1.yaml', 'remediation-etc-passwd.yaml']);
  });
});
