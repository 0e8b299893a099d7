/**
 * MS-TA9013 Writable hostPath mount. A container that can write to a directory of its node can
 * plant a cron job, a systemd unit or a static pod there and so persist on, and escalate to, the
 * node. Mitigated by read-only mounts and by Pod Security admission (baseline forbids hostPath).
 */
import { fail, pass, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { containerPatches, patchRemediation, podSpecPatch } from '../remediation.js';
import type { Technique } from '../types.js';
import { containersOf, type WorkloadInfo } from '../workloads.js';
import { type Json, mapsIn } from '../json.js';

const CHECK = 'writable-hostpath';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9013',
    name: 'Writable hostPath mount',
    tactics: ['Persistence', 'Privilege escalation', 'Lateral movement'],
    mitreAttack: ['T1611'],
    mitigations: ['MS-M9013', 'MS-M9016', 'MS-M9011', 'MS-M9017'],
    severity: 'high',
    weight: 7,
    segmentationMitigates: false,
    formerNames: [],
    evidence: ['workloads'],
    description: 'A container that mounts a directory of its node writable can leave a cron job, a systemd unit or a static '
      + 'pod on the node. kubeseg fails every workload with a hostPath volume that some container (init and ephemeral '
      + 'containers included) mounts without readOnly: true, naming the host path and the container; a workload without '
      + 'hostPath volumes, or with read-only mounts only, passes. Node agents (host-network DaemonSets in kube-system, such '
      + 'as the CNI and kube-proxy) write to their node by design and are not assessed.',
  },
  checks: [writableHostPath],
};

interface HostMount {
  readonly container: string;
  readonly volume: string;
  readonly hostPath: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

function writableHostPath(ctx: CheckContext): CheckOutcome[] {
  return ctx.subjects().map((w) => {
    const mounts = hostMounts(w);
    if (mounts.length === 0) return pass(CHECK, w.ref, `${w.id} mounts no hostPath volume`);
    const writable = mounts.filter((m) => !m.readOnly);
    if (writable.length === 0) {
      return pass(CHECK, w.ref, `${w.id} mounts hostPath volumes read-only only`, mounts.map((m) => mountText(m)));
    }
    const paths = [...new Set(writable.map((m) => m.hostPath))];
    return fail(CHECK, w.ref, `${w.id} can write to its node's filesystem: hostPath ${paths.join(', ')}`,
      writable.map((m) => mountText(m)), remediation(w, writable));
  });
}

/** Every mount of a hostPath volume, per container. */
function hostMounts(w: WorkloadInfo): HostMount[] {
  const hostPaths = new Map(mapsIn(w.podSpec.volumes).flatMap((v) => {
    const path = (v.hostPath as Json | undefined)?.path;
    return typeof path === 'string' ? [[String(v.name), path] as const] : [];
  }));
  return containersOf(w.podSpec).flatMap((c) => mapsIn(c.volumeMounts).flatMap((m) => {
    const hostPath = hostPaths.get(String(m.name));
    return hostPath === undefined ? [] : [{
      container: String(c.name), volume: String(m.name), hostPath, mountPath: String(m.mountPath), readOnly: m.readOnly === true,
    }];
  }));
}

function mountText(m: HostMount): string {
  return `container ${m.container} mounts hostPath ${m.hostPath} (volume ${m.volume}) at ${m.mountPath} ${m.readOnly ? 'read-only' : 'read-write (no readOnly: true)'}`;
}

/** readOnly: true on every writable mount (volumeMounts merge by mountPath). */
function remediation(w: WorkloadInfo, writable: readonly HostMount[]): Remediation {
  const changes = new Map(writable.map((m) => [m.container, {
    volumeMounts: writable.filter((o) => o.container === m.container).map((o) => ({ name: o.volume, mountPath: o.mountPath, readOnly: true })),
  }]));
  return patchRemediation(
    `Mount the host paths of ${w.id} read-only (readOnly: true), or replace them with an emptyDir, a ConfigMap or a `
      + 'PersistentVolumeClaim. If the workload must write to its node, run it in a namespace of its own with a documented '
      + 'exception, and enforce the Pod Security baseline level (which forbids hostPath volumes) everywhere else.',
    podSpecPatch(w, containerPatches(w.podSpec, changes)),
  );
}
