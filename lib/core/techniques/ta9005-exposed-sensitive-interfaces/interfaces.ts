/**
 * The sensitive interfaces kubeseg recognises, as data: management UIs and APIs that were never meant
 * for the internet. First match wins. Images are substrings of the image reference; they and the
 * labels are chosen not to match the same project's agents, workers and sidecars (Consul's
 * dataplane, Argo CD's repo server, Jenkins agents, Ray workers, Rancher's agent, the Prometheus
 * operator, node exporters labelled `app: prometheus` by older charts). Where every component of a
 * project runs one image (Argo CD, Airflow, Ray, Spark, Flink), only the UI's labels identify it.
 */
import type { InterfaceSignature } from '../sensitiveInterfaces.js';
import { DASHBOARD } from '../ta9032-kubernetes-dashboard/signature.js';
import { TILLER } from '../tiller-endpoint/technique.js';

const ui = (name: string, images: readonly string[], labels: readonly Readonly<Record<string, string>>[], ports: readonly number[]): InterfaceSignature =>
  ({ name, images, labels, ports, declaredPorts: true });

export const SENSITIVE_INTERFACES: readonly InterfaceSignature[] = [
  // Cluster UIs
  DASHBOARD,
  TILLER,
  ui('Weave Scope', ['weaveworks/scope'], [{ app: 'weave-scope' }], [4040]),
  ui('Portainer', ['portainer/portainer-ce', 'portainer/portainer-ee', 'portainer/portainer:'], [{ 'app.kubernetes.io/name': 'portainer' }], [9000, 9443]),
  ui('Rancher', ['rancher/rancher:'], [{ app: 'rancher' }], [80, 443]),
  // CI/CD
  ui('Jenkins controller', ['jenkins/jenkins'], [{ 'app.kubernetes.io/component': 'jenkins-controller' }], [8080, 50000]),
  ui('Argo CD server', [], [{ 'app.kubernetes.io/name': 'argocd-server' }], [8080, 8083]),
  ui('Argo Workflows server', ['argoproj/argocli'], [{ app: 'argo-server' }, { 'app.kubernetes.io/name': 'argo-workflows-server' }], [2746]),
  ui('Tekton dashboard', ['tektoncd/dashboard'], [{ 'app.kubernetes.io/part-of': 'tekton-dashboard', 'app.kubernetes.io/component': 'dashboard' }], [9097]),
  // Notebooks and ML
  ui('Jupyter', ['jupyter'], [{ app: 'jupyterhub' }, { 'app.kubernetes.io/name': 'jupyterhub' }], [8888, 8000]),
  ui('Kubeflow central dashboard', ['kubeflow/central-dashboard', 'kubeflownotebookswg/centraldashboard'], [{ app: 'centraldashboard' }], [8082]),
  ui('MLflow tracking server', ['mlflow/mlflow', 'bitnami/mlflow'], [{ 'app.kubernetes.io/name': 'mlflow' }], [5000]),
  ui('Ray dashboard', [], [{ 'ray.io/node-type': 'head' }], [8265, 10001]),
  ui('vLLM model server', ['vllm/vllm-openai', 'vllm-openai'], [{ 'app.kubernetes.io/name': 'vllm' }], [8000]),
  ui('Triton inference server', ['tritonserver'], [], [8000, 8001, 8002]),
  ui('TorchServe', ['pytorch/torchserve'], [], [8080, 8081, 8082]),
  ui('Text Generation Inference', ['huggingface/text-generation-inference'], [], [80, 8080]),
  ui('Ollama', ['ollama/ollama'], [{ 'app.kubernetes.io/name': 'ollama' }], [11434]),
  // Data tools
  ui('Airflow web UI', [], [{ tier: 'airflow', component: 'webserver' }, { tier: 'airflow', component: 'api-server' }], [8080]),
  ui('Apache NiFi', ['apache/nifi'], [{ 'app.kubernetes.io/name': 'nifi' }], [8080, 8443]),
  ui('Spark UI', [], [{ 'spark-role': 'driver' }, { 'app.kubernetes.io/component': 'master', 'app.kubernetes.io/name': 'spark' }], [4040, 8080]),
  ui('Flink web UI', [], [{ component: 'jobmanager', type: 'flink-native-kubernetes' }], [8081]),
  ui('Kafka UI', ['provectuslabs/kafka-ui', 'kafbat/kafka-ui'], [], [8080]),
  // Monitoring and logs
  ui('Prometheus', ['prom/prometheus', 'prometheus/prometheus'], [{ 'app.kubernetes.io/name': 'prometheus' }], [9090]),
  ui('Alertmanager', ['prom/alertmanager', 'prometheus/alertmanager'], [{ 'app.kubernetes.io/name': 'alertmanager' }, { app: 'alertmanager' }], [9093]),
  ui('Grafana', ['grafana/grafana:', 'grafana/grafana-oss', 'grafana/grafana-enterprise'], [{ 'app.kubernetes.io/name': 'grafana' }, { app: 'grafana' }], [3000]),
  ui('Elasticsearch', ['elasticsearch/elasticsearch', 'bitnami/elasticsearch:'], [{ 'common.k8s.elastic.co/type': 'elasticsearch' }, { 'app.kubernetes.io/name': 'elasticsearch' }, { app: 'elasticsearch' }], [9200]),
  ui('Kibana', ['kibana/kibana', 'bitnami/kibana'], [{ 'common.k8s.elastic.co/type': 'kibana' }, { 'app.kubernetes.io/name': 'kibana' }, { app: 'kibana' }], [5601]),
  // Service meshes, secrets and configuration stores
  ui('Kiali', ['kiali/kiali'], [{ 'app.kubernetes.io/name': 'kiali' }], [20001]),
  ui('Linkerd viz dashboard', [], [{ 'linkerd.io/extension': 'viz', component: 'web' }], [8084]),
  ui('Hubble UI', ['cilium/hubble-ui:'], [{ 'k8s-app': 'hubble-ui' }], [8081]),
  ui('Consul', ['hashicorp/consul:', 'hashicorp/consul-enterprise:'], [{ app: 'consul', component: 'server' }, { 'app.kubernetes.io/name': 'consul' }], [8500]),
  // By label only: the Vault agent injector runs the same image as a sidecar in application pods.
  ui('Vault', [], [{ 'app.kubernetes.io/name': 'vault', component: 'server' }], [8200]),
  ui('etcd', ['bitnami/etcd', 'coreos/etcd', 'etcd-development/etcd'], [{ 'app.kubernetes.io/name': 'etcd' }, { app: 'etcd' }], [2379]),
];

/** The catalogue, then the interfaces the configuration adds (`rules.interfaces`). */
export function sensitiveInterfacesOf(ctx: { readonly extraInterfaces: readonly InterfaceSignature[] }): readonly InterfaceSignature[] {
  return ctx.extraInterfaces.length === 0 ? SENSITIVE_INTERFACES : [...SENSITIVE_INTERFACES, ...ctx.extraInterfaces];
}
