/**
 * Large inputs: a file of 130,000 documents is read document by document (no recursion over
 * documents, no argument spreading of long lists), and input over the documented limits is refused
 * before a byte of it is read. `scripts/generateLargeManifests.ts` writes the big measured inputs.
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../lib/adapters/manifests/readManifestFiles.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';
import { writeLargeManifests } from '../../scripts/generateLargeManifests.js';
import { fixture, run } from '../helpers/cli.js';

const DOCUMENTS = 130_000;

describe('large inputs', () => {
  it(`scans one file of ${DOCUMENTS} documents`, async () => {
    // Prepare
    const dir = fixture({});
    const file = join(dir, 'many.yaml');
    await writeLargeManifests(file, { documents: DOCUMENTS, shape: 'tiny' });

    // Act
    const r = await run('scan', '--format', 'json', file);

    // Assess
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`"detail": "${DOCUMENTS} objects in the input"`);
  }, 60_000);

  it('names each document of a multi-document file and the lone document of a single one by the file', () => {
    // Prepare
    const diagnostics = new DiagnosticList();

    // Act
    const many = parseManifestText('m.yaml', 'kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {name: b}\n---\n', diagnostics);
    const one = parseManifestText('o.yaml', '---\nkind: A\nmetadata: {name: a}\n', diagnostics);
    const broken = parseManifestText('b.yaml', 'kind: [\n', diagnostics);

    // Assess
    expect(many.map((o) => o.source)).toEqual(['m.yaml#1', 'm.yaml#2']);
    expect(one.map((o) => o.source)).toEqual(['o.yaml']);
    expect(broken).toEqual([]);
    expect(diagnostics.all.map((d) => d.source)).toEqual(['b.yaml']);
  });

  it('refuses a file over the per-file limit at once, before reading it: exit 2, the limit named', async () => {
    // Prepare: a sparse file, so that nothing is written to disk
    const dir = fixture({ 'ok.yaml': 'kind: Pod\nmetadata: {name: p}\n' });
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, INPUT_LIMITS.fileBytes + 1);

    // Act
    const started = Date.now();
    const r = await run('connectivity', dir);

    // Assess
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${big}: 32 MiB is over the limit of 32 MiB per manifest file: not read\n`);
  });

  it('refuses input over the per-run limit at once', async () => {
    // Prepare
    const dir = fixture({});
    for (const name of ['a.yaml', 'b.yaml', 'c.yaml']) {
      writeFileSync(join(dir, name), '');
      truncateSync(join(dir, name), INPUT_LIMITS.fileBytes - 1);
    }

    // Act
    const r = await run('scan', dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: the input holds 96 MiB in 3 files, over the limit of 64 MiB per run: not read\n');
  });
});
