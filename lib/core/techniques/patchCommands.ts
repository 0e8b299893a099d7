/** How a pod-spec patch is applied: a `kubectl patch` command with every argument quoted. */
import type { PodSpecPatch } from '../findings/finding.js';
import { asciiJson, shellQuote } from '../format/shell.js';
import { objectNameProblem } from './manifestValidation.js';

/** `kubectl patch 'deployment' 'web' -n 'shop' --type strategic -p '{…}'` (every value from the cluster quoted), or why a Pod cannot be patched. */
export function patchCommand(patch: PodSpecPatch): string | undefined {
  const { kind, namespace, name } = patch.target;
  if (kind === 'Pod' || objectNameProblem(namespace, name)) return undefined;
  return `kubectl patch ${shellQuote(kind.toLowerCase())} ${shellQuote(name)} -n ${shellQuote(namespace)} --type strategic -p ${shellQuote(asciiJson(patch.patch))}`;
}

/** The line that goes above a patch: the command, or what to do instead for a bare Pod. */
export function patchHowTo(patch: PodSpecPatch): string {
  const { kind, namespace, name } = patch.target;
  const problem = objectNameProblem(namespace, name);
  if (problem) return `kubeseg wrote no command for ${kind} ${namespace}/${name}: not a valid Kubernetes name (${problem}).`;
  return patchCommand(patch) ?? `A Pod's spec cannot be patched: change the manifest of Pod ${namespace}/${name} and recreate it.`;
}
