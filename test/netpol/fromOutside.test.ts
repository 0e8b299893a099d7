import { describe, expect, it } from 'vitest';
import { ReachabilityQueries } from '../../lib/core/netpol/queries.js';
import { analyzeYaml, deployment, docs } from '../helpers/analyzeYaml.js';

/**
 * ui/kibana admits 10.20.0.0/16 on 5601 (and any pod); ui/grafana admits pods only; ui/open has no
 * ingress policy.
 */
const CLUSTER = docs(
  deployment('ui', 'kibana', { app: 'kibana' }, [{ port: 5601 }]),
  deployment('ui', 'grafana', { app: 'grafana' }, [{ port: 3000 }]),
  deployment('ui', 'open', { app: 'open' }, [{ port: 8888 }]),
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: kibana-from-vpc, namespace: ui }
spec:
  podSelector: { matchLabels: { app: kibana } }
  ingress:
  - from: [{ ipBlock: { cidr: 10.20.0.0/16 } }, { namespaceSelector: {} }]
    ports: [{ port: 5601 }]`,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: grafana-pods-only, namespace: ui }
spec:
  podSelector: { matchLabels: { app: grafana } }
  ingress:
  - from: [{ namespaceSelector: {} }]`,
);

function queries(): ReachabilityQueries {
  const { analysis, errors } = analyzeYaml(CLUSTER);
  expect(errors).toEqual([]);
  return new ReachabilityQueries(analysis!.reachability);
}

describe('ReachabilityQueries.whoCanReachFromOutside', () => {
  it('names the address ranges a policy lets in, and checks the port', () => {
    // Prepare
    const q = queries();

    // Act
    const on5601 = q.whoCanReachFromOutside('ui/kibana[Deployment]', 5601);
    const on80 = q.whoCanReachFromOutside('ui/kibana[Deployment]', 80);

    // Assess
    expect(on5601.allowed).toBe(true);
    expect(on5601.workload.id).toBe('ui/kibana[Deployment]');
    expect(on5601.reasons).toEqual([
      'ingress: ui/kibana[Deployment] admits 10.20.0.0-10.20.255.255',
      'ingress: NetworkPolicy ui/kibana-from-vpc, ingress rule 1 allows TCP 5601',
    ]);
    expect(on80.allowed).toBe(false);
  });

  it('says which policy keeps outside addresses away, and merges the ranges let in when no policy selects the workload', () => {
    // Prepare
    const q = queries();

    // Act
    const grafana = q.whoCanReachFromOutside('ui/grafana[Deployment]');
    const open = q.whoCanReachFromOutside('ui/open[Deployment]', 8888);

    // Assess
    expect(grafana.allowed).toBe(false);
    expect(grafana.reasons).toEqual([
      'ingress: NetworkPolicy ui/grafana-pods-only selects ui/grafana[Deployment] for ingress, and no rule allows traffic from addresses outside the cluster',
    ]);
    expect(open.allowed).toBe(true);
    expect(open.connection.isAll).toBe(true);
    expect(open.reasons).toEqual([
      'ingress: ui/open[Deployment] admits 0.0.0.0-255.255.255.255',
      'ingress: no NetworkPolicy selects ui/open[Deployment] for ingress, so no NetworkPolicy restricts traffic from addresses outside the cluster',
    ]);
  });
});
