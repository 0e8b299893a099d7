/** The connectivity list: every ordered pair of peers with a non-empty allowed connection. */
import type { ConnectionSet } from './connectionSet.js';
import type { DiagnosticList } from '../diagnostics.js';
import { ingressControllerConnections } from './engine/ingressController.js';
import type { Reachability } from './engine/reachability.js';
import { NONE } from './engine/connTable.js';
import { formatIpv4Range } from './ipv4.js';

export const INGRESS_CONTROLLER_PEER = '{ingress-controller}';

export type PeerKind = 'workload' | 'external' | 'ingress-controller';

export interface Connection {
  /** Peer names in np-guard notation: `ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`, `{ingress-controller}`. */
  readonly src: string;
  readonly dst: string;
  readonly srcKind: PeerKind;
  readonly dstKind: PeerKind;
  readonly conn: ConnectionSet;
}

/**
 * All allowed connections, sorted by source then destination (byte order). A workload's
 * connection to itself and external-to-external pairs are never listed.
 */
export function listConnections(r: Reachability, diagnostics: DiagnosticList): Connection[] {
  const out: Connection[] = [];
  const workloads = r.model.workloads;
  const add = (src: string, srcKind: PeerKind, dst: string, dstKind: PeerKind, id: number): void => {
    if (id !== NONE) out.push({ src, dst, srcKind, dstKind, conn: r.conn(id) });
  };
  r.sourcePieces.forEach((piece, p) => {
    const name = externalName(piece.start, piece.end);
    workloads.forEach((w, wi) => add(name, 'external', w.id, 'workload', r.pieceToWorkload(p, wi)));
  });
  workloads.forEach((src, si) => {
    r.destinationPieces.forEach((piece, p) =>
      add(src.id, 'workload', externalName(piece.start, piece.end), 'external', r.workloadToPiece(si, p)));
    workloads.forEach((dst, di) => {
      if (si !== di) add(src.id, 'workload', dst.id, 'workload', r.workloadToWorkload(si, di));
    });
  });
  for (const [w, id] of ingressControllerConnections(r, diagnostics)) {
    add(INGRESS_CONTROLLER_PEER, 'ingress-controller', workloads[w]!.id, 'workload', id);
  }
  return out.sort((a, b) => compareBytes(a.src, b.src) || compareBytes(a.dst, b.dst));
}

export function externalName(start: number, end: number): string {
  return `${formatIpv4Range(start, end)}[External]`;
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
