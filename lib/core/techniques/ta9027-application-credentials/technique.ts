/**
 * MS-TA9027 Application credentials in configuration files. Credentials written as literal values
 * into a pod spec's environment or command line, a ConfigMap or an annotation are readable by
 * anyone who can read that object (and by everything that copies it: CI logs, Git, backups).
 * kubeseg sees only what the sanitiser kept: the keys whose literal value has a credential's name
 * or form (credentialForms.ts), and the form's name, never the values. Secrets handed to
 * containers as environment variables are a milder, separate finding.
 */
import { credentialFormNamed } from '../../evidence/credentialForms.js';
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, resourceText, type CheckOutcome, type Remediation, type ResourceRef } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { shellQuote } from '../../format/shell.js';
import { containerPatches, fragmentRemediation, patchRemediation, podSpecPatch } from '../remediation.js';
import type { Technique } from '../types.js';
import { containersOf, type WorkloadInfo } from '../workloads.js';
import { at, type Json, mapsIn, stringsIn } from '../json.js';

const ENV_CHECK = 'literal-credential-env';
const CONFIGMAP_CHECK = 'configmap-credential-keys';
const COMMAND_LINE_CHECK = 'credential-in-command-line';
const ANNOTATION_CHECK = 'credential-in-annotation';
const SECRET_ENV_CHECK = 'secret-as-env';

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
      + 'are not listed (every namespace has some). A value is also recognised by its form, whatever its key: cloud access '
      + 'key ids, private keys, JWTs, the prefixed tokens of GitHub, GitLab, Slack, Stripe and other services, and URLs or '
      + 'connection strings with a password; such a value in a container\'s command or arguments, or in any object\'s '
      + 'annotation, fails too. Secrets handed to containers as environment variables (envFrom secretRef, '
      + 'valueFrom.secretKeyRef), which the CIS Benchmark asks to mount as files instead, are a low-severity finding of their own. '
      + 'Values never leave the cluster: only key names and form names are reported.',
  },
  checks: [literalCredentialEnv, configMapCredentialKeys, credentialInCommandLine, credentialInAnnotation, secretAsEnv],
};

/** `holds a literal value`, or `holds a literal value shaped like a GitHub token`. */
function literalText(form: unknown): string {
  const known = typeof form === 'string' ? credentialFormNamed(form) : undefined;
  return known ? `holds a literal value shaped like ${known.description}` : 'holds a literal value';
}

/** The form records the sanitiser left on an object (`{ key, form }`), well-formed ones only. */
function formsAt(value: unknown): { key: string; form: string }[] {
  return mapsIn(value).flatMap((f) => (typeof f.key === 'string' && typeof f.form === 'string' ? [{ key: f.key, form: f.form }] : []));
}

function literalCredentialEnv(ctx: CheckContext): CheckOutcome[] {
  return ctx.workloads.map((w) => {
    const found = containersOf(w.podSpec).flatMap((c) => mapsIn(c.env)
      .filter((e) => e.literal === true && e.credentialLike === true)
      .map((e) => ({ container: String(c.name), key: String(e.name), form: e.credentialForm })));
    if (found.length === 0) return pass(ENV_CHECK, w.ref, `${w.id} sets no credential-like environment variable to a literal value`);
    const keys = [...new Set(found.map((f) => f.key))];
    return fail(ENV_CHECK, w.ref, `${w.id} writes credentials into its pod spec: ${keys.join(', ')}`,
      found.map((f) => `env ${f.key} ${literalText(f.form)} (container ${f.container})`), envRemediation(w, found));
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
    const forms = new Map(formsAt(cm.credentialForms).map((f) => [f.key, f.form]));
    const namespace = cm.metadata.namespace ?? 'default';
    const ref = { kind: 'ConfigMap', namespace, name: cm.metadata.name };
    const users = consumers(ctx.workloads, namespace, cm.metadata.name);
    return [fail(CONFIGMAP_CHECK, ref, `ConfigMap ${namespace}/${cm.metadata.name} holds credentials: ${keys.join(', ')}`,
      [...keys.map((k) => `key ${k} ${literalText(forms.get(k))}`), ...(users.length > 0 ? [`used by ${users.join(', ')}`] : ['no workload in the evidence uses it'])],
      configMapRemediation(cm, keys))];
  });
}

/** A container's command or arguments with a credential's form (the sanitiser dropped the words, and kept where they were). */
function credentialInCommandLine(ctx: CheckContext): CheckOutcome[] {
  return ctx.workloads.flatMap((w) => {
    const found = containersOf(w.podSpec).flatMap((c) => formsAt(c.credentialArgs).map((f) => ({ container: String(c.name), ...f })));
    if (found.length === 0) return [];
    const evidence = found.map((f) => `${f.key} of container ${f.container} ${literalText(f.form)}`);
    return [fail(COMMAND_LINE_CHECK, w.ref, `${w.id} passes credentials on its command line`, evidence, {
      text: `Put each value into a Secret (\`${createSecret(`${w.ref.name}-credentials`, w.ref.namespace)}\`), give the container `
        + 'an environment variable from it (valueFrom.secretKeyRef), and replace the word on the command line with $(THAT_VARIABLE), '
        + `which Kubernetes expands; or have the program read the Secret mounted as a file. ${STORE_ADVICE}`,
    })];
  });
}

/**
 * Any object's annotation whose value has a credential's form, on the object or on its pod
 * template (the sanitiser dropped the values).
 */
function credentialInAnnotation(ctx: CheckContext): CheckOutcome[] {
  return ctx.snapshot.objects.flatMap((o) => {
    const own = formsAt(o.credentialAnnotations);
    const template = [at(o, 'spec', 'template'), at(o, 'spec', 'jobTemplate', 'spec', 'template')].flatMap((t) => formsAt(at(t, 'credentialAnnotations')));
    if (own.length === 0 && template.length === 0) return [];
    const ref: ResourceRef = { kind: o.kind, namespace: o.metadata.namespace ?? null, name: o.metadata.name };
    const remove = own.map((f) => `\`kubectl annotate ${shellQuote(o.kind.toLowerCase())} ${shellQuote(ref.name)}`
      + `${ref.namespace === null ? '' : ` -n ${shellQuote(ref.namespace)}`} ${shellQuote(`${f.key}-`)}\``);
    const steps = [
      ...(remove.length > 0 ? [`Remove the annotation (${remove.join(', ')}) and delete it from the manifest it came from.`] : []),
      ...(template.length > 0 ? [`Delete ${template.map((f) => f.key).join(', ')} from the pod template's annotations in the manifest, and apply it.`] : []),
    ];
    return [fail(ANNOTATION_CHECK, ref, `${resourceText(ref)} holds credentials in its annotations: ${[...own, ...template].map((f) => f.key).join(', ')}`,
      [...own.map((f) => `annotation ${f.key} ${literalText(f.form)}`), ...template.map((f) => `pod template annotation ${f.key} ${literalText(f.form)}`)], {
        text: `${steps.join(' ')} Keep the credential in a Secret: annotations are readable by everyone who may get the object, `
          + 'and copied by every tool that lists it. Then rotate the credential.',
      })];
  });
}

/**
 * Secrets handed to containers as environment variables: every process of the container, its
 * children, crash dumps and `env` in a debug shell see them. The CIS Benchmark (5.4.1) asks for files.
 */
function secretAsEnv(ctx: CheckContext): CheckOutcome[] {
  return ctx.workloads.flatMap((w) => {
    const found = containersOf(w.podSpec).flatMap((c) => [
      ...mapsIn(c.envFrom).flatMap((e) => {
        const name = (e.secretRef as Json | undefined)?.name;
        return typeof name === 'string' ? [`container ${String(c.name)} takes every key of Secret ${name} as environment variables (envFrom)`] : [];
      }),
      ...mapsIn(c.env).flatMap((e) => {
        const ref = (e.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
        return ref && typeof ref.name === 'string'
          ? [`container ${String(c.name)} takes env ${String(e.name)} from Secret ${ref.name}, key ${String(ref.key)}`] : [];
      }),
    ]);
    if (found.length === 0) return [];
    return [{
      ...fail(SECRET_ENV_CHECK, w.ref, `${w.id} takes Secrets as environment variables`, found, {
        text: 'Mount the Secret as a volume (secret.secretName, readOnly) and have the program read the file; environment '
          + 'variables are inherited by every child process and shown by crash reporters and debug shells. Where the program '
          + 'can only read its environment, this finding may be accepted as a known risk.',
      }),
      severity: 'low',
    }];
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
