import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** Relative imports of a module, resolved to .ts files (type-only imports included: they still couple). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) =>
    resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

describe('module structure', () => {
  const files = sourceFiles(join(root, 'lib'));
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('has no import cycles in lib/', () => {
    // Prepare
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, stack: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const dep of graph.get(file) ?? []) visit(dep, [...stack, file]);
      state.set(file, 'done');
    };
    // Act
    for (const f of files) visit(f, []);
    // Assess
    expect(cycles).toEqual([]);
  });

  it('keeps lib/core free of imports from adapters and the CLI', () => {
    const offenders = files
      .filter((f) => relative(root, f).startsWith('lib/core/'))
      .flatMap((f) => (graph.get(f) ?? []).filter((dep) => !relative(root, dep).startsWith('lib/core/'))
        .map((dep) => `${relative(root, f)} imports ${relative(root, dep)}`));
    expect(offenders).toEqual([]);
  });

  it('resolves every relative import to an existing module', () => {
    const known = new Set(files);
    const missing = files.flatMap((f) => (graph.get(f) ?? []).filter((dep) => !known.has(dep)).map((dep) => `${relative(root, f)} -> ${relative(root, dep)}`));
    expect(missing).toEqual([]);
  });
});
