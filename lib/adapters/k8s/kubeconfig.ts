/**
 * Kubeconfig contexts → collection targets. The file is `--kubeconfig FILE`, else the files of
 * KUBECONFIG merged as kubectl merges them, else ~/.kube/config. Each target holds its own
 * KubeConfig, loaded afresh, so no credentials, token cache or client is ever shared between clusters.
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

/**
 * The kubeconfig files, as kubectl reads them: `--kubeconfig FILE`, else every path in KUBECONFIG
 * (merged), else ~/.kube/config.
 */
export function kubeconfigPaths(options: KubeconfigOptions): string[] {
  if (options.kubeconfig !== undefined) return [options.kubeconfig];
  const fromEnv = (options.env ?? process.env).KUBECONFIG?.split(delimiter).filter((p) => p !== '') ?? [];
  return fromEnv.length > 0 ? fromEnv : [join(options.home ?? homedir(), '.kube', 'config')];
}

/** The kubeconfig files for messages and the snapshot index, joined as KUBECONFIG joins them. */
export const kubeconfigPath = (options: KubeconfigOptions): string => kubeconfigPaths(options).join(delimiter);

export function loadKubeconfigTargets(options: KubeconfigOptions): KubeTarget[] {
  const files = kubeconfigPaths(options);
  const where = `kubeconfig ${files.join(delimiter)}`;
  const merged = loadMerged(files);
  const known = merged.getContexts().map((c) => c.name);
  const wanted = options.allContexts ? known : [...new Set(options.contexts ?? [])];
  if (wanted.length === 0) throw new KubeconfigError(options.allContexts ? `${where}: no contexts` : 'no context given: name one with --context or use --all-contexts');
  const knownSet = new Set(known);
  const missing = wanted.filter((c) => !knownSet.has(c));
  if (missing.length > 0) throw new KubeconfigError(`${where}: no context ${missing.map((c) => `'${c}'`).join(', ')}`);
  return wanted.map((context) => ({ context, kubeConfig: isolatedConfig(merged, context) }));
}

/**
 * A KubeConfig of its own for one context: a copy of that context, its cluster and its user, in a
 * new KubeConfig (whose authenticators, an exec credential's cache among them, are its own). The
 * files are parsed once: parsing them again for every context made a fleet's kubeconfig quadratic
 * (200 contexts: 200 parses of 200 clusters, each kept by its target).
 */
function isolatedConfig(merged: KubeConfig, context: string): KubeConfig {
  const ctx = merged.getContextObject(context)!;
  const cluster = merged.getCluster(ctx.cluster);
  const user = merged.getUser(ctx.user);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(structuredClone({
    clusters: cluster ? [cluster] : [], users: user ? [user] : [], contexts: [ctx], currentContext: context,
  }));
  return kubeConfig;
}

/**
 * The files merged as kubectl merges them: the first file to name a cluster, user or context (or
 * the current context) wins. KUBECONFIG may list files that do not exist; one file named alone must.
 */
function loadMerged(files: readonly string[]): KubeConfig {
  const present = files.length === 1 ? files : files.filter((f) => existsSync(f));
  if (present.length === 0) throw new KubeconfigError(`kubeconfig ${files.join(delimiter)}: no such file`);
  const configs = present.map((file) => {
    if (!existsSync(file)) throw new KubeconfigError(`kubeconfig ${file}: no such file`);
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    return kc;
  });
  if (configs.length === 1) return configs[0]!;
  const firstOfEach = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Set<string>();
    return lists.flat().filter((item) => {
      if (seen.has(item.name)) return false;
      seen.add(item.name);
      return true;
    });
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstOfEach(configs.map((c) => c.getClusters())),
    users: firstOfEach(configs.map((c) => c.getUsers())),
    contexts: firstOfEach(configs.map((c) => c.getContexts())),
    currentContext: configs.map((c) => c.getCurrentContext()).find((c) => c) ?? '',
  });
  return merged;
}
