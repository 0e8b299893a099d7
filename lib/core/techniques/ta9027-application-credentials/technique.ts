/**
 * MS-TA9027 Application credentials in configuration files. Credentials written as literal values
 * into a pod spec's environment or into a ConfigMap are readable by anyone who can read that object
 * (and by everything that copies it: CI logs, Git, backups). kubeseg sees only what the sanitiser
 * kept: the names of credential-like keys that hold a literal value, never the values.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { shellQuote } from '../../format/shell.js';
import { containerPatches, fragmentRemediation, patchRemediation, podSpecPatch } from '../remediation.js';
import type { Technique } from '../types.js';
import { containersOf, type WorkloadInfo } from '../workloads.js';
import { type Json, mapsIn, stringsIn } from '../json.js';

const ENV_CHECK = 'literal-credential-env';
const CONFIGMAP_CHECK = 'configmap-credential-keys';

const STORE_ADVICE = 'Better still, keep credentials in an external store (AWS Secrets Manager or SSM Parameter Store) synced by the '
  + 'External Secrets Operator or mounted by the Secrets Store CSI Driver. Then rotate the credential: it has been readable '
  + 'by everyone who could read the object.';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9027',
    name: 'Application credentials in configuration files',
    tactics: ['Credential access', 'Lateral movement'],
    mitreAttack: ['T1552.001'],
    mitigations: ['MS-M9026', 'MS-M9022'],
    severity: 'high',
    weight: 6,
    segmentationMitigates: false,
    formerNames: [],
    evidence: ['workloads', 'configmaps'],
    description: 'Developers write credentials into pod specs and ConfigMaps; whoever can read those objects (or the files '
      + 'they come from) takes the credentials. kubeseg fails every workload with an environment variable that the evidence '
      + 'sanitiser marks as a literal credential (a name such as password, token, secret or API key with a literal value), '
      + 'and every ConfigMap with such a key; the ConfigMap is the finding\'s resource because the credential lives there and is readable '
      + 'whether or not a workload uses it (the workloads that do are named in the evidence). ConfigMaps without such keys '
      + 'are not listed (every namespace has some). Values never leave the cluster: only key names are reported.',
  },
  checks: [literalCredentialEnv, configMapCredentialKeys],
};

function literalCredentialEnv(ctx: CheckContext): CheckOutcome[] {
  return ctx.workloads.map((w) => {
    const found = containersOf(w.podSpec).flatMap((c) => mapsIn(c.env)
      .filter((e) => e.literal === true && e.credentialLike === true)
      .map((e) => ({ container: String(c.name), key: String(e.name) })));
    if (found.length === 0) return pass(ENV_CHECK, w.ref, `${w.id} sets no credential-like environment variable to a literal value`);
    const keys = [...new Set(found.map((f) => f.key))];
    return fail(ENV_CHECK, w.ref, `${w.id} writes credentials into its pod spec: ${keys.join(', ')}`,
      found.map((f) => `env ${f.key} holds a literal value (container ${f.container})`), envRemediation(w, found));
  });
}

/** Move the keys into a Secret and reference them with secretKeyRef. */
function envRemediation(w: WorkloadInfo, found: readonly { container: string; key: string }[]): Remediation {
  const secret = `${w.ref.name}-credentials`;
  const keys = [...new Set(found.map((f) => f.key))];
  const changes = new Map(found.map((f) => [f.container, {
    env: found.filter((o) => o.container === f.container).map((o) => ({ name: o.key, valueFrom: { secretKeyRef: { name: secret, key: o.key } } })),
  }]));
  return patchRemediation(
    `Move ${keys.join(', ')} out of the pod spec of ${w.id} into a Secret (\`${createSecret(secret, w.ref.namespace)}\`) `
      + `and reference it with valueFrom.secretKeyRef. ${STORE_ADVICE}`,
    podSpecPatch(w, containerPatches(w.podSpec, changes)),
  );
}

function configMapCredentialKeys(ctx: CheckContext): CheckOutcome[] {
  return ctx.objects('ConfigMap').flatMap((cm) => {
    const keys = stringsIn(cm.credentialKeys);
    if (keys.length === 0) return [];
    const namespace = cm.metadata.namespace ?? 'default';
    const ref = { kind: 'ConfigMap', namespace, name: cm.metadata.name };
    const users = consumers(ctx.workloads, namespace, cm.metadata.name);
    return [fail(CONFIGMAP_CHECK, ref, `ConfigMap ${namespace}/${cm.metadata.name} holds credentials: ${keys.join(', ')}`,
      [...keys.map((k) => `key ${k} holds a literal value`), ...(users.length > 0 ? [`used by ${users.join(', ')}`] : ['no workload in the evidence uses it'])],
      configMapRemediation(cm, keys))];
  });
}

/** Workloads that read a ConfigMap, and how: `shop/web[Deployment] (envFrom)`. */
function consumers(workloads: readonly WorkloadInfo[], namespace: string, name: string): string[] {
  return workloads.filter((w) => w.ref.namespace === namespace).flatMap((w) => {
    const how = new Set<string>();
    for (const c of containersOf(w.podSpec)) {
      if (mapsIn(c.envFrom).some((e) => (e.configMapRef as Json | undefined)?.name === name)) how.add('envFrom');
      for (const e of mapsIn(c.env)) if (((e.valueFrom as Json | undefined)?.configMapKeyRef as Json | undefined)?.name === name) how.add(`env ${String(e.name)}`);
    }
    for (const v of mapsIn(w.podSpec.volumes)) {
      const direct = (v.configMap as Json | undefined)?.name === name;
      const projected = mapsIn((v.projected as Json | undefined)?.sources).some((s) => (s.configMap as Json | undefined)?.name === name);
      if (direct || projected) how.add(`volume ${String(v.name)}`);
    }
    return how.size > 0 ? [`${w.id} (${[...how].join(', ')})`] : [];
  });
}

function configMapRemediation(cm: KubeObject, keys: readonly string[]): Remediation {
  const secret = `${cm.metadata.name}-credentials`;
  const ns = cm.metadata.namespace ?? 'default';
  const env = keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } }));
  return fragmentRemediation(
    `Move ${keys.join(', ')} from ConfigMap ${ns}/${cm.metadata.name} into a Secret (\`${createSecret(secret, ns)}\`), `
      + 'delete the keys from the ConfigMap, and have the containers that use them read the Secret (env valueFrom.secretKeyRef, '
      + `envFrom secretRef or a secret volume). ${STORE_ADVICE}`,
    { env }, ['in every container that reads these keys'],
  );
}

/** The command that makes the Secret from a file of KEY=value lines, every argument quoted. */
function createSecret(secret: string, namespace: string): string {
  return `kubectl create secret generic ${shellQuote(secret)} -n ${shellQuote(namespace)} --from-env-file=FILE`;
}
