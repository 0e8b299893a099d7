/**
 * Kubeconfig contexts → collection targets. The file is `--kubeconfig FILE`, else the first path in
 * KUBECONFIG, else ~/.kube/config. Each target holds its own KubeConfig, loaded afresh, so no
 * credentials, token cache or client is ever shared between clusters.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterIdentity } from '../../core/evidence/snapshot.js';

export interface KubeTarget {
  /** The context name, which names the cluster in the snapshot and the report unless `identity` does. */
  readonly context: string;
  readonly kubeConfig: KubeConfig;
  /** The cluster as the snapshot names it (an EKS cluster's account and region); default: the context, from a kubeconfig. */
  readonly identity?: ClusterIdentity;
  /**
   * A bearer token asked for on every request, for credentials that expire during a collection
   * (an EKS token lives 15 minutes); it overrides the kubeconfig user's.
   */
  readonly bearerToken?: () => Promise<string>;
}

export interface KubeconfigOptions {
  readonly kubeconfig?: string;
  /** Context names; ignored when `allContexts`. */
  readonly contexts?: readonly string[];
  readonly allContexts?: boolean;
  /** For tests: the environment and home directory to resolve the default file from. */
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

/** A kubeconfig that cannot be read, or a context it does not have: one line naming what failed. */
export class KubeconfigError extends Error {}

export function kubeconfigPath(options: KubeconfigOptions): string {
  if (options.kubeconfig !== undefined) return options.kubeconfig;
  const fromEnv = (options.env ?? process.env).KUBECONFIG?.split(delimiter).find((p) => p !== '');
  return fromEnv ?? join(options.home ?? homedir(), '.kube', 'config');
}

export function loadKubeconfigTargets(options: KubeconfigOptions): KubeTarget[] {
  const file = kubeconfigPath(options);
  const load = (): KubeConfig => {
    const kc = new KubeConfig();
    if (!existsSync(file)) throw new KubeconfigError(`kubeconfig ${file}: no such file`);
    try {
      kc.loadFromFile(file);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    return kc;
  };
  const known = load().getContexts().map((c) => c.name);
  const wanted = options.allContexts ? known : [...new Set(options.contexts ?? [])];
  if (wanted.length === 0) throw new KubeconfigError(options.allContexts ? `kubeconfig ${file}: no contexts` : 'no context given: name one with --context or use --all-contexts');
  const missing = wanted.filter((c) => !known.includes(c));
  if (missing.length > 0) throw new KubeconfigError(`kubeconfig ${file}: no context ${missing.map((c) => `'${c}'`).join(', ')}`);
  return wanted.map((context) => {
    const kubeConfig = load();
    kubeConfig.setCurrentContext(context);
    return { context, kubeConfig };
  });
}
