/**
 * The JSON report, schema version 1 (DESIGN §3.2): what `scan --format json` prints. The zod schema
 * below is the contract; `schemas/report-v1.schema.json` is generated from it and tests validate
 * real output against that file. Additions beyond DESIGN §3.2 are optional fields only
 * (`workloads`, `enforcement`, `whatIf`, a finding's `reach`), so parsers of the original contract keep working.
 */
import * as z from 'zod';
import type { Finding } from '../findings/finding.js';
import { scoreFleet } from '../scoring/score.js';
import { workloadKey, type ClusterAssessment } from './assessCluster.js';
import type { ExceptionConfig } from '../config/rulesConfig.js';

export const REPORT_SCHEMA_VERSION = 1;

const grade = z.enum(['A', 'B', 'C', 'D', 'F']).nullable();
const score = z.number().int().min(0).max(100).nullable();
const share = z.number().min(0).max(1);

export const findingSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  technique: z.string(),
  check: z.string(),
  /** `accepted`: a failure that an exception of the configuration covers, with who accepted it in `accepted`. */
  status: z.enum(['fail', 'pass', 'unknown', 'accepted']),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  resource: z.object({ kind: z.string(), namespace: z.string().nullable(), name: z.string() }).strict(),
  message: z.string(),
  evidence: z.array(z.string()),
  remediation: z.object({ text: z.string(), yaml: z.string().optional() }).strict().optional(),
  accepted: z.object({ reason: z.string(), owner: z.string(), expires: z.string() }).strict().optional(),
  /**
   * Other workloads the finding's workload can open connections to (all of them when policies are not
   * enforced): how far an attacker who took it could go next. Absent when the resource is not a workload
   * (beyond §3.2, optional).
   */
  reach: z.number().int().min(0).optional(),
}).strict();

export const clusterSchema = z.object({
  name: z.string(),
  account: z.string().nullable(),
  region: z.string().nullable(),
  source: z.enum(['eks', 'kubeconfig', 'manifests', 'demo']),
  status: z.enum(['assessed', 'partial', 'unreachable']),
  score,
  grade,
  coverage: share,
  blastRadius: share.nullable(),
  workloads: z.number().int().min(0).optional(),
  enforcement: z.object({ status: z.enum(['enforced', 'not-enforced', 'unknown']), reason: z.string() }).strict().nullable().optional(),
  whatIf: z.object({ score, grade }).strict().nullable().optional(),
  techniques: z.array(z.object({
    id: z.string(),
    name: z.string(),
    tactics: z.array(z.string()),
    status: z.enum(['fail', 'pass', 'unknown', 'not-applicable']),
    score,
    exposed: z.number().int().min(0),
    assessed: z.number().int().min(0),
    /** Subjects whose evidence was unknown (beyond §3.2, optional). */
    unknown: z.number().int().min(0).optional(),
    /** Subjects whose failures exceptions accept, counted as passed (beyond §3.2, optional). */
    accepted: z.number().int().min(0).optional(),
    /** assessed / (assessed + unknown); null when nothing was judged (beyond §3.2, optional). */
    coverage: share.nullable().optional(),
  }).strict()),
  findings: z.array(findingSchema),
  /** Findings the configuration's ignore rules left out (beyond §3.2, optional). */
  ignored: z.number().int().min(0).optional(),
  collection: z.array(z.object({ step: z.string(), status: z.enum(['ok', 'forbidden', 'error', 'absent']), detail: z.string().optional() }).strict()),
}).strict();

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generatedAt: z.iso.datetime(),
  tool: z.object({ name: z.literal('kubeseg'), version: z.string() }).strict(),
  fleet: z.object({ score, grade, coverage: share, clusters: z.number().int().min(0) }).strict(),
  clusters: z.array(clusterSchema),
  /** Exceptions of the configuration that expired and no longer apply (beyond §3.2, optional). */
  expiredExceptions: z.array(z.object({
    technique: z.string(), check: z.string().optional(), resource: z.string(), cluster: z.string().optional(),
    reason: z.string(), owner: z.string(), expires: z.string(),
  }).strict()).optional(),
}).strict();

export type JsonReport = z.infer<typeof reportSchema>;

export interface ReportMeta {
  /** ISO 8601; passed in, the core reads no clock. */
  readonly generatedAt: string;
  readonly version: string;
  /** The configuration's exceptions that expired before this run. */
  readonly expiredExceptions?: readonly ExceptionConfig[];
}

export type JsonCluster = JsonReport['clusters'][number];

export function buildJsonReport(clusters: readonly ClusterAssessment[], meta: ReportMeta): JsonReport {
  return assembleJsonReport(clusters.map(jsonCluster), meta);
}

/** The report of clusters already in their JSON form: a caller that converts each as it is assessed can let its findings go. */
export function assembleJsonReport(clusters: readonly JsonCluster[], meta: ReportMeta): JsonReport {
  const fleet = scoreFleet(clusters.map((c) => ({
    score: c.score, coverage: c.coverage, workloads: c.workloads ?? 0, unreachable: c.status === 'unreachable',
  })));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: meta.generatedAt,
    tool: { name: 'kubeseg', version: meta.version },
    fleet: { ...fleet, clusters: clusters.length },
    clusters: [...clusters],
    ...(meta.expiredExceptions?.length && { expiredExceptions: meta.expiredExceptions.map((e) => ({ ...e })) }),
  };
}

export function jsonCluster(c: ClusterAssessment): JsonCluster {
  return {
    name: c.cluster.name,
    account: c.cluster.account ?? null,
    region: c.cluster.region ?? null,
    source: c.cluster.source,
    status: c.status,
    score: c.score.score,
    grade: c.score.grade,
    coverage: c.score.coverage,
    blastRadius: c.blastRadius,
    workloads: c.workloads,
    enforcement: c.enforcement && { status: c.enforcement.status, reason: c.enforcement.reason },
    whatIf: c.whatIf,
    techniques: c.score.techniques.map((t) => ({
      id: t.id, name: t.name, tactics: [...t.tactics], status: t.status, score: t.score, exposed: t.exposed, assessed: t.assessed,
      unknown: t.unknown, ...(t.accepted > 0 && { accepted: t.accepted }), coverage: t.coverage === null ? null : Math.round(t.coverage * 100) / 100,
    })),
    findings: sortFindings(c.findings).map((f) => toJsonFinding(f, c.reach.get(workloadKey(f.resource)))),
    ...(c.ignored > 0 && { ignored: c.ignored }),
    collection: c.collection.map((s) => ({ step: s.step, status: s.status, ...(s.detail !== undefined && { detail: s.detail }) })),
  };
}

/** Fails first, then unknown, accepted and passes; within a status by technique, then resource. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = { fail: 0, unknown: 1, accepted: 2, pass: 3 } as const;
  return [...findings].sort((a, b) => rank[a.status] - rank[b.status] || a.technique.localeCompare(b.technique)
    || `${a.resource.namespace}/${a.resource.name}`.localeCompare(`${b.resource.namespace}/${b.resource.name}`) || a.check.localeCompare(b.check));
}

function toJsonFinding(f: Finding, reach: number | undefined): z.infer<typeof findingSchema> {
  return {
    id: f.id, technique: f.technique, check: f.check, status: f.status, severity: f.severity,
    resource: { kind: f.resource.kind, namespace: f.resource.namespace, name: f.resource.name },
    message: f.message, evidence: [...f.evidence],
    ...(f.remediation && { remediation: { text: f.remediation.text, ...(f.remediation.yaml && { yaml: f.remediation.yaml }) } }),
    ...(f.accepted && { accepted: { ...f.accepted } }),
    ...(reach !== undefined && { reach }),
  };
}
