/**
 * Applied as written, the fixes for cluster-internal networking keep what each workload serves by
 * design: the ingress controller its load balancer, a routed backend its ingress controller, every
 * workload the API server (webhooks, aggregated APIs), while other namespaces lose their way in.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster, remediatedSnapshot } from '../../lib/core/report/assessCluster.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { runTechniques } from '../../lib/core/techniques/runTechniques.js';

const CASE = join(import.meta.dirname, '../../lib/core/techniques/ta9034-cluster-internal-networking/cases/keeps-published-clients/input');

async function remediatedContext() {
  const [snapshot] = await loadSnapshots([CASE], 'manifests', new DiagnosticList());
  const assessment = assessCluster(snapshot!, TECHNIQUES);
  const result = runTechniques(remediatedSnapshot(snapshot!, assessment.bundle).snapshot, []);
  if (!result.ok) throw new Error('the remediated cluster was refused');
  return result.run.context;
}

describe('the bundle for a cluster with published workloads', () => {
  it('keeps the load balancer, the ingress controller and the API server, and closes the other namespaces', async () => {
    // Act
    const ctx = await remediatedContext();
    const outside = (id: string, port: number) => ctx.reachFromExternal(id, port);

    // Assess: the load balancer's source range reaches the controller on 443, and only it
    expect(outside('ingress-nginx/controller[Deployment]', 443).reasons[0]).toBe('ingress: ingress-nginx/controller[Deployment] admits 10.0.0.10, 10.0.1.10, 203.0.113.0-203.0.113.255');
    // the controller reaches the backend its Ingress routes to; metrics-server stays closed to it
    expect(ctx.reachPair('ingress-nginx/controller[Deployment]', 'shop/web[Deployment]').status).toBe('exposed');
    expect(ctx.reachPair('ingress-nginx/controller[Deployment]', 'kube-system/metrics-server[Deployment]').status).toBe('blocked');
    expect(ctx.reachPair('shop/web[Deployment]', 'kube-system/metrics-server[Deployment]').status).toBe('blocked');
    // the API server reaches metrics-server
    expect(outside('kube-system/metrics-server[Deployment]', 10250).reasons[0]).toBe('ingress: kube-system/metrics-server[Deployment] admits 10.0.0.10, 10.0.1.10');
  });
});

describe('a published workload whose Service holds values the API server refuses', () => {
  it('keeps the valid source ranges and ports, and its suggestion stays applicable', async () => {
    // Prepare: the case's cluster with the controller's Service rewritten
    const dir = mkdtempSync(join(tmpdir(), 'kubeseg-kept-'));
    const yaml = readFileSync(join(CASE, 'cluster.yaml'), 'utf8')
      .replace('loadBalancerSourceRanges: [203.0.113.0/24]', 'loadBalancerSourceRanges: [not-a-cidr, 198.51.100.0/24]')
      .replace('- { name: http, port: 80, targetPort: http }', '- { name: http, port: 80, targetPort: Bad_Name }');
    writeFileSync(join(dir, 'cluster.yaml'), yaml);
    const [snapshot] = await loadSnapshots([dir], 'manifests', new DiagnosticList());

    // Act
    const finding = assessCluster(snapshot!, TECHNIQUES).findings
      .find((f) => f.technique === 'MS-TA9034' && f.resource.namespace === 'ingress-nginx' && f.status === 'fail');

    // Assess
    const manifest = finding?.remediation?.yaml ?? '';
    expect(manifest).toContain('name: kubeseg-keep-clients-controller');
    expect(manifest).toContain('cidr: 198.51.100.0/24');
    expect(manifest).not.toContain('not-a-cidr');
    expect(manifest).not.toContain('Bad_Name');
    expect(manifest).toContain('port: https');
  });
});
