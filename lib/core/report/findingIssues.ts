/**
 * Findings of one technique grouped into issues: the findings of one check whose remediation (or,
 * without one, whose message) reads the same once the workload's name is taken out, apart from a
 * few words (a ServiceAccount's name, a count). One issue is one fix for all its workloads, so a
 * report shows its text once, with `‹workload›` for the workload and `‹varies›` for those words,
 * and the list of workloads instead of repeating it per workload; each finding keeps its own
 * message, evidence, remediation text and manifest.
 */
import { proseSpans } from '../format/prose.js';
import type { JsonReport } from './jsonReport.js';
import type { FindingView, Issue } from './reportModel.js';

type ReportFinding = JsonReport['clusters'][number]['findings'][number];

/** Stands for each affected workload in the text an issue shows for several of them. */
const WORKLOAD_PLACEHOLDER = '‹workload›';
/** Stands for a word that differs between the workloads of an issue (each finding's own text has it). */
const VARYING_PLACEHOLDER = '‹varies›';
/** More words than this differing, and two remediations are not one fix. */
const MOST_VARYING_WORDS = 3;
/** An issue's headline may leave open one word (a count); with more it would read as a puzzle. */
const MOST_VARYING_IN_MESSAGE = 1;

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Words and the white space between them, so that joining them gives the text back. */
type Words = readonly string[];

interface Draft {
  words: Words;
  readonly findings: ReportFinding[];
}

/** `findings` are one technique's failing and unknown findings of one cluster, in report order. */
export function groupIssues(findings: readonly ReportFinding[], cluster: string, isNew: (id: string) => boolean): Issue[] {
  const drafts: Draft[] = [];
  // Only texts of one check, status and word count can merge: each finding is compared with those alone.
  const candidates = new Map<string, Draft[]>();
  for (const f of findings) {
    const words = splitWords(shape(f.remediation?.text ?? f.message, f));
    const kind = `${f.check}\u0000${f.status}\u0000${f.remediation ? 'fix' : 'msg'}\u0000${words.length}`;
    const same = candidates.get(kind) ?? [];
    candidates.set(kind, same);
    let joined = false;
    for (const draft of same) {
      const merged = merge(draft.words, words);
      if (merged === null) continue;
      draft.words = merged;
      draft.findings.push(f);
      joined = true;
      break;
    }
    if (!joined) {
      const draft: Draft = { words, findings: [f] };
      drafts.push(draft);
      same.push(draft);
    }
  }
  return drafts.map((d) => issue(d.findings, cluster, isNew));
}

function splitWords(text: string): Words {
  return text.split(/(\s+)/);
}

/**
 * One text for both, with the placeholder where they differ; null if they differ in length, in more
 * than `most` words, or in two words in a row (two lists, not one fix with a name in it).
 */
function merge(template: Words, words: Words, most = MOST_VARYING_WORDS): Words | null {
  if (template.length !== words.length) return null;
  const merged = template.map((w, i) => (w === words[i] ? w : VARYING_PLACEHOLDER));
  const varying = merged.flatMap((w, i) => (w === VARYING_PLACEHOLDER ? [i] : []));
  // Words sit at even indexes, the white space between them at odd ones.
  return varying.length <= most && varying.every((at, k) => k === 0 || at - varying[k - 1]! > 2) ? merged : null;
}

/** The texts as one, as `merge` makes it; undefined when they are not one. */
function commonText(texts: readonly string[], most = MOST_VARYING_WORDS): string | undefined {
  let template: Words | null = splitWords(texts[0] ?? '');
  for (const t of texts.slice(1)) {
    template = template && merge(template, splitWords(t), most);
    if (template === null) return undefined;
  }
  return template.join('');
}

function issue(group: readonly ReportFinding[], cluster: string, isNew: (id: string) => boolean): Issue {
  const first = group[0]!;
  const single = group.length === 1;
  const data = dataStrings(cluster, first);
  const message = single ? first.message : commonText(group.map((f) => shape(f.message, f)), MOST_VARYING_IN_MESSAGE);
  const fixes = group.flatMap((f) => (f.remediation ? [shape(f.remediation.text, f)] : []));
  const fixText = single ? first.remediation?.text : fixes.length === group.length ? commonText(fixes) : undefined;
  const yamls = new Set(group.map((f) => f.remediation?.yaml));
  const sharedYaml = yamls.size === 1 ? first.remediation?.yaml : undefined;
  // Each finding spells out its own fix where the shared text has gaps.
  const ownFix = !single && (fixText === undefined || fixText.includes(VARYING_PLACEHOLDER));
  return {
    check: first.check,
    status: first.status,
    severity: group.reduce((worst, f) => (SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst] ? f.severity : worst), first.severity),
    message: message === undefined ? null : proseSpans(message, data),
    ...(fixText !== undefined && { remediation: { text: proseSpans(fixText, data), ...(sharedYaml !== undefined && { yaml: sharedYaml }) } }),
    reach: group.reduce<number | null>((most, f) => (f.reach === undefined ? most : Math.max(most ?? 0, f.reach)), null),
    newFindings: group.filter((f) => isNew(f.id)).length,
    findings: group.map((f) => findingView(f, cluster, isNew(f.id), { yaml: sharedYaml === undefined, fix: ownFix })),
  };
}

/** A finding as its issue lists it; `own` says whether it carries its own manifest and remediation text. */
function findingView(f: ReportFinding, cluster: string, isNew: boolean, own: { readonly yaml: boolean; readonly fix: boolean }): FindingView {
  const data = dataStrings(cluster, f);
  return {
    id: f.id, status: f.status, severity: f.severity, resource: resourceText(f.resource), message: proseSpans(f.message, data),
    evidence: f.evidence,
    ...(own.fix && f.remediation && { remediation: proseSpans(f.remediation.text, data) }),
    ...(own.yaml && f.remediation?.yaml !== undefined && { yaml: f.remediation.yaml }),
    isNew, reach: f.reach ?? null,
  };
}

export function resourceText(r: ReportFinding['resource']): string {
  return r.namespace === null ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

/** The cluster strings a finding's texts hold (see `proseSpans`). */
export function dataStrings(cluster: string, f: Pick<ReportFinding, 'resource'>): string[] {
  const { kind, namespace, name } = f.resource;
  return [workloadId(f.resource), resourceText(f.resource), ...(namespace === null ? [] : [`${namespace}/${name}`, namespace]), name, kind, cluster];
}

/** The text with the finding's workload, as the techniques name it (`ns/name[Kind]`), replaced by the placeholder. */
function shape(text: string, f: ReportFinding): string {
  return text.split(workloadId(f.resource)).join(WORKLOAD_PLACEHOLDER);
}

function workloadId(r: ReportFinding['resource']): string {
  return r.namespace === null ? `${r.name}[${r.kind}]` : `${r.namespace}/${r.name}[${r.kind}]`;
}
