import { describe, expect, it } from 'vitest';
import { analyzeYaml, deployment, docs, messagesWith } from '../helpers/analyzeYaml.js';

const WEB = deployment('shop', 'web', { app: 'web' }, [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }]);
const API = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 5000 }]);

const SERVICES = docs(`apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: metrics
    port: 9000
    targetPort: 9090`, `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app: api
  ports:
  - port: 5000`);

const CLUSTER = docs(WEB, API, SERVICES);
const CONTROLLER = '{ingress-controller} => ';

function controllerLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.startsWith(CONTROLLER));
}

function ingress(spec: string, name = 'ing'): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: shop
spec:
${spec}`;
}

function route(spec: string): string {
  return `apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: rt
  namespace: shop
spec:
${spec}`;
}

describe('Ingress objects', () => {
  it('exposes the default backend\'s service port, mapped to the pod\'s target port', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: web
      port:
        number: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.warnings).toHaveLength(1);
    expect(messagesWith(r.warnings, 'no relevant Kubernetes network policy resources found')).toHaveLength(1);
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
    expect(r.lines[r.lines.length - 1]).toBe('{ingress-controller} => shop/web[Deployment] : TCP 8080');
  });

  it('unions the backends of every rule path, with ports by name and by number', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              name: metrics
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 5000
  - host: www.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              name: http`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual([
      '{ingress-controller} => shop/api[Deployment] : TCP 5000',
      '{ingress-controller} => shop/web[Deployment] : TCP 8080,9090',
    ]);
  });

  it('reads the v1beta1 backend form', () => {
    // Prepare
    const yaml = docs(CLUSTER, `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
  namespace: shop
spec:
  backend:
    serviceName: web
    servicePort: metrics`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 9090']);
  });

  it('warns about a backend service that does not exist', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: nowhere
      port:
        number: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual([]);
    expect(messagesWith(r.warnings, 'Ingress shop/ing', 'nowhere', 'service not found')).toHaveLength(1);
  });
});

describe('OpenShift Routes', () => {
  it('exposes spec.to and every alternate backend, narrowed by targetPort given by name', () => {
    // Prepare: "http" is the name of a service port of web and of api's pod port, but not of an api service port
    const yaml = docs(CLUSTER, route(`  to:
    kind: Service
    name: web
    weight: 80
  alternateBackends:
  - kind: Service
    name: api
    weight: 20
  port:
    targetPort: http`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
    expect(messagesWith(r.warnings, 'Route shop/rt', 'shop/api[Deployment]', 'blocking')).toHaveLength(1);
  });

  it('matches a numeric targetPort against a service port\'s targetPort', () => {
    // Prepare
    const yaml = docs(CLUSTER, route(`  to:
    name: web
  port:
    targetPort: 9090`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 9090']);
  });

  it('exposes every service port when the route has no port', () => {
    // Prepare
    const yaml = docs(CLUSTER, route(`  to:
    kind: Service
    name: web`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 8080,9090']);
  });
});

describe('services and policies', () => {
  it('warns about a Service without selector', () => {
    // Prepare
    const yaml = docs(CLUSTER, `apiVersion: v1
kind: Service
metadata:
  name: external-db
  namespace: shop
spec:
  ports:
  - port: 5432`, ingress(`  defaultBackend:
    service:
      name: external-db
      port:
        number: 5432`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual([]);
    expect(messagesWith(r.warnings, 'Service shop/external-db', 'without selector')).toHaveLength(1);
  });

  it('omits the line and warns when policies block the controller, an arbitrary in-cluster source', () => {
    // Prepare: podSelector-only peers mean the policy's own namespace, which the controller is not in
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: web
      port:
        number: 80`), `kind: NetworkPolicy
metadata:
  name: same-ns-only
  namespace: shop
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector: {}`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual([]);
    expect(messagesWith(r.warnings, 'Ingress shop/ing', 'shop/web[Deployment]',
      'network policies are blocking ingress connections from an arbitrary in-cluster source')).toHaveLength(1);
  });

  it('limits the controller line to what policies allow from any namespace', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: web`), `kind: NetworkPolicy
metadata:
  name: metrics-from-cluster
  namespace: shop
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: 9090
    - port: 7000`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.warnings).toEqual([]);
    expect(controllerLines(r.lines)).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 9090']);
  });

  it('lets an admin policy on all namespaces block the controller too', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: web`), `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: no-egress
spec:
  priority: 1
  subject:
    namespaces: {}
  egress:
  - name: deny
    action: Deny
    to:
    - namespaces: {}`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([]);
    expect(controllerLines(r.lines)).toEqual([]);
    expect(messagesWith(r.warnings, 'shop/web[Deployment]', 'blocking')).toHaveLength(1);
  });

  it('drops a target port the pod does not declare', () => {
    // Prepare
    const yaml = docs(WEB, `kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 3000`, ingress(`  defaultBackend:
    service:
      name: web
      port:
        number: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(controllerLines(r.lines)).toEqual([]);
    expect(messagesWith(r.warnings, 'shop/web[Deployment]', 'blocking')).toHaveLength(1);
  });

  it('never lists the controller as a destination or in pod-to-pod lines', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingress(`  defaultBackend:
    service:
      name: api`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines.filter((l) => l.includes('ingress-controller'))).toEqual([
      '{ingress-controller} => shop/api[Deployment] : TCP 5000',
    ]);
  });
});
