/**
 * What every check receives: the snapshot, its workloads, the reachability engine seen through
 * the enforcement status, and small look-ups. Built once per cluster; pure.
 */
import type { InterfaceSignature } from './interfaceSignature.js';
import type { Analysis } from '../netpol/analyze.js';
import type { Protocol } from '../netpol/connectionSet.js';
import { ReachabilityQueries, type ReachAnswer } from '../netpol/queries.js';
import { evidenceStatus, type CollectionStep, type EvidenceSnapshot, type KubeObject } from '../evidence/snapshot.js';
import type { Enforcement } from './enforcement.js';
import { isNodeAgent, type WorkloadInfo } from './workloads.js';

export type NetworkStatus = 'exposed' | 'blocked' | 'unknown';

/** A network answer after enforcement: a blocked connection counts only if something enforces the block. */
export interface NetworkAnswer {
  readonly workload: WorkloadInfo;
  readonly status: NetworkStatus;
  /** What the policies allow, e.g. `TCP 80` or `All Connections`. */
  readonly connection: string;
  readonly reasons: readonly string[];
}

export class CheckContext {
  readonly queries: ReachabilityQueries;
  private readonly byId: Map<string, WorkloadInfo>;

  constructor(
    readonly snapshot: EvidenceSnapshot,
    readonly analysis: Analysis,
    readonly workloads: readonly WorkloadInfo[],
    readonly enforcement: Enforcement,
    /** Sensitive interfaces the configuration adds to kubeseg's catalogue. */
    readonly extraInterfaces: readonly InterfaceSignature[] = [],
  ) {
    this.queries = new ReachabilityQueries(analysis.reachability);
    this.byId = new Map(workloads.map((w) => [w.id, w]));
  }

  /** The snapshot's objects of a kind (indexed on first use: checks ask often). */
  objects(kind: string): readonly KubeObject[] {
    return this.byKind().get(kind)?.list ?? [];
  }

  /** One object by kind and `namespace/name` (or `name` for cluster-scoped kinds); the first if listed twice. */
  object(kind: string, name: string): KubeObject | undefined {
    return this.byKind().get(kind)?.byName.get(name);
  }

  private byKind(): Map<string, { list: KubeObject[]; byName: Map<string, KubeObject> }> {
    if (!this.index) {
      this.index = new Map();
      for (const o of this.snapshot.objects) {
        let entry = this.index.get(o.kind);
        if (!entry) this.index.set(o.kind, (entry = { list: [], byName: new Map() }));
        entry.list.push(o);
        // Without a namespace a namespaced object lives in `default`; cluster-scoped ones go by name.
        const names = o.metadata.namespace ? [`${o.metadata.namespace}/${o.metadata.name}`] : [o.metadata.name, `default/${o.metadata.name}`];
        for (const name of names) if (!entry.byName.has(name)) entry.byName.set(name, o);
      }
    }
    return this.index;
  }
  private index: Map<string, { list: KubeObject[]; byName: Map<string, KubeObject> }> | undefined;

  /**
   * The workloads the checks judge: every one but node agents (host-network DaemonSets in
   * kube-system, which act as the node), among those the runner asks about (see `judgeOnly`).
   */
  subjects(): WorkloadInfo[] {
    return this.workloads.filter((w) => this.isSubject(w));
  }

  isSubject(w: WorkloadInfo): boolean {
    return !isNodeAgent(w) && this.judged(w);
  }

  /**
   * Runs `checks` judging only some workloads: the what-if re-judges the workloads that did not
   * pass, since its changes only take connections away. Other questions still see every workload.
   */
  judgeOnly<T>(judged: (w: WorkloadInfo) => boolean, checks: () => T): T {
    this.judged = judged;
    try {
      return checks();
    } finally {
      this.judged = everyWorkload;
    }
  }
  private judged: (w: WorkloadInfo) => boolean = everyWorkload;

  evidence(kind: string): CollectionStep {
    return evidenceStatus(this.snapshot, kind);
  }

  /** The workloads of one namespace (indexed on first use). */
  workloadsIn(namespace: string): readonly WorkloadInfo[] {
    if (!this.byNamespace) {
      this.byNamespace = new Map();
      for (const w of this.workloads) {
        const list = this.byNamespace.get(w.ref.namespace);
        if (list) list.push(w);
        else this.byNamespace.set(w.ref.namespace, [w]);
      }
    }
    return this.byNamespace.get(namespace) ?? [];
  }
  private byNamespace: Map<string, WorkloadInfo[]> | undefined;

  /**
   * Work that several checks share (one workload's IMDS judgement serves two techniques), done once
   * per context. `key` names the work and its inputs; the value must depend on nothing else.
   */
  shared<T>(key: string, compute: () => T): T {
    if (this.sharedWork.has(key)) return this.sharedWork.get(key) as T;
    const value = compute();
    this.sharedWork.set(key, value);
    return value;
  }
  private readonly sharedWork = new Map<string, unknown>();

  workload(id: string): WorkloadInfo | undefined {
    return this.byId.get(id);
  }

  /** Who can open a connection to an address outside the pod network (API server, node, IMDS). */
  reachAddress(address: string, port: number, protocol: Protocol = 'TCP'): NetworkAnswer[] {
    return this.judge(this.queries.whoCanReachAddress(address, port, protocol));
  }

  /** Who can open a connection to a workload, optionally on one port. */
  reachWorkload(destinationId: string, port?: number, protocol: Protocol = 'TCP'): NetworkAnswer[] {
    return this.judge(this.queries.whoCanReachWorkload(destinationId, port, protocol));
  }

  /** Whether addresses outside the pod network (but those left out) can reach a workload, optionally on one port. */
  reachFromExternal(id: string, port?: number, protocol: Protocol = 'TCP', leaveOut: readonly string[] = []): NetworkAnswer {
    const [answer] = this.judge([this.queries.whoCanReachFromOutside(id, port, protocol, leaveOut)]);
    if (!answer) throw new Error(`unknown workload ${id}`);
    return answer;
  }

  /** One source's connection to one destination, judged by enforcement, with its reasons. */
  reachPair(sourceId: string, destinationId: string): NetworkAnswer {
    return this.judge([this.queries.explainReach(this.queries.indexOf(sourceId), this.queries.indexOf(destinationId))])[0]!;
  }

  /**
   * Policies block only where something enforces them: with no enforcing CNI every connection is
   * open; when enforcement is unknown, a connection only policies block is unknown.
   */
  private judge(answers: readonly ReachAnswer[]): NetworkAnswer[] {
    const out: NetworkAnswer[] = [];
    for (const a of answers) {
      const workload = this.byId.get(a.workload.id);
      if (!workload) continue;
      if (a.allowed) out.push(new JudgedAnswer(workload, 'exposed', a.connection.key, a));
      else if (this.enforcement.status === 'enforced') out.push(new JudgedAnswer(workload, 'blocked', a.connection.key, a));
      else if (this.enforcement.status === 'not-enforced') out.push(new JudgedAnswer(workload, 'exposed', 'All Connections', a, this.enforcement.reason));
      else out.push(new JudgedAnswer(workload, 'unknown', a.connection.key, a, `only NetworkPolicies block it, and ${this.enforcement.reason}`));
    }
    return out;
  }
}

const everyWorkload = (): boolean => true;

/** A network answer whose reasons (costly to explain) are read from the engine's answer on demand. */
class JudgedAnswer implements NetworkAnswer {
  constructor(
    readonly workload: WorkloadInfo, readonly status: NetworkStatus, readonly connection: string,
    private readonly engineAnswer: ReachAnswer, private readonly prefix?: string,
  ) {}

  get reasons(): readonly string[] {
    return this.prefix ? [this.prefix, ...this.engineAnswer.reasons] : this.engineAnswer.reasons;
  }
}
