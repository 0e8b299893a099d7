import { describe, expect, it } from 'vitest';
import { ReachabilityQueries } from '../../lib/core/netpol/queries.js';
import { analyzeYaml, deployment, docs } from '../helpers/analyzeYaml.js';

/**
 * shop/web may leave only for 443 outside 10.0.0.0/8 and the metadata address; shop/cart has no
 * egress policy; shop/db accepts 5432 from cart only. tools/debug is in a namespace without policies.
 * Every workload but web may leave, and every workload but db accepts anyone.
 */
const CLUSTER = docs(
  deployment('shop', 'web', { app: 'web' }, [{ name: 'http', port: 8080 }]),
  deployment('shop', 'cart', { app: 'cart' }),
  deployment('shop', 'db', { app: 'db' }, [{ name: 'pg', port: 5432 }]),
  deployment('tools', 'debug', { app: 'debug' }),
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
  - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.169.254/32] } }]
    ports: [{ port: 443 }]`,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
  - from: [{ podSelector: { matchLabels: { app: cart } } }]
    ports: [{ port: pg }]`,
);

function queries(): ReachabilityQueries {
  const { analysis, errors } = analyzeYaml(CLUSTER);
  expect(errors).toEqual([]);
  return new ReachabilityQueries(analysis!.reachability);
}

describe('ReachabilityQueries', () => {
  it('answers which workloads can reach the instance metadata address, with the reason', () => {
    // Prepare
    const q = queries();

    // Act
    const answers = q.whoCanReachAddress('169.254.169.254', 80, 'TCP');

    // Assess
    const allowed = answers.filter((a) => a.allowed).map((a) => a.workload.id);
    expect(allowed).toEqual(['shop/cart[Deployment]', 'shop/db[Deployment]', 'tools/debug[Deployment]']);
    const web = answers.find((a) => a.workload.id === 'shop/web[Deployment]')!;
    expect(web.connection.isEmpty).toBe(true);
    expect(web.reasons).toEqual([
      'egress: NetworkPolicy shop/web-egress selects shop/web[Deployment] for egress, and no rule allows traffic to 169.254.169.254',
    ]);
    const cart = answers.find((a) => a.workload.id === 'shop/cart[Deployment]')!;
    expect(cart.reasons).toEqual([
      'egress: no NetworkPolicy selects shop/cart[Deployment] for egress, so no NetworkPolicy restricts traffic to 169.254.169.254',
    ]);
  });

  it('names the rule that allows an address, and checks the port', () => {
    // Prepare
    const q = queries();

    // Act
    const on443 = q.whoCanReachAddress('52.95.110.1', 443, 'TCP').find((a) => a.workload.name === 'web')!;
    const on80 = q.whoCanReachAddress('52.95.110.1', 80, 'TCP').find((a) => a.workload.name === 'web')!;

    // Assess
    expect(on443.allowed).toBe(true);
    expect(on443.connection.key).toBe('TCP 443');
    expect(on443.reasons).toEqual(['egress: NetworkPolicy shop/web-egress, egress rule 1 allows TCP 443']);
    expect(on80.allowed).toBe(false);
  });

  it('answers who can reach a workload on a port, resolving named ports, never listing the workload itself', () => {
    // Prepare
    const q = queries();

    // Act
    const answers = q.whoCanReachWorkload('shop/db[Deployment]', 5432);

    // Assess
    expect(answers.map((a) => [a.workload.id, a.allowed])).toEqual([
      ['shop/web[Deployment]', false],
      ['shop/cart[Deployment]', true],
      ['tools/debug[Deployment]', false],
    ]);
    const cart = answers.find((a) => a.allowed)!;
    expect(cart.reasons).toEqual([
      'egress: no NetworkPolicy selects shop/cart[Deployment] for egress, so no NetworkPolicy restricts traffic to shop/db[Deployment]',
      'ingress: NetworkPolicy shop/db-ingress, ingress rule 1 allows TCP 5432',
    ]);
    const debug = answers.find((a) => a.workload.name === 'debug')!;
    expect(debug.reasons).toContain(
      'ingress: NetworkPolicy shop/db-ingress selects shop/db[Deployment] for ingress, and no rule allows traffic from tools/debug[Deployment]');
  });

  it('lists everything a workload can reach, with what is allowed', () => {
    // Prepare
    const q = queries();

    // Act
    const fromCart = q.reachableFrom('shop/cart[Deployment]').map((a) => `${a.workload.id} ${a.connection.key}`);
    const fromWeb = q.reachableFrom('shop/web[Deployment]');

    // Assess
    expect(fromCart).toEqual([
      'shop/web[Deployment] All Connections',
      'shop/db[Deployment] TCP 5432',
      'tools/debug[Deployment] All Connections',
    ]);
    expect(fromWeb).toEqual([]);
  });

  it('counts the other workloads each workload can reach', () => {
    // Prepare
    const q = queries();

    // Act
    const counts = Object.fromEntries(q.reachCounts().map((c) => [c.workload.id, `${c.reachable}/${c.others}`]));

    // Assess
    expect(counts).toEqual({
      'shop/web[Deployment]': '0/3',
      'shop/cart[Deployment]': '3/3',
      'shop/db[Deployment]': '3/3',
      'tools/debug[Deployment]': '2/3',
    });
  });

  it('rejects an unknown workload and an address that is not IPv4', () => {
    const q = queries();
    expect(() => q.whoCanReachWorkload('shop/nope[Deployment]')).toThrow('unknown workload shop/nope[Deployment]');
    expect(() => q.whoCanReachAddress('fd00::1', 80, 'TCP')).toThrow('not an IPv4 address');
  });
});
