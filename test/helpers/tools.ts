/**
 * The programs the browser and PDF tests drive. A test that needs one carries its tag
 * (`{ tags: ['chromium'] }`). On a developer's machine without the program the tag skips the test
 * (and `skippedTestsNotice.ts` says how to install it); under `CI=true` the test runs and fails,
 * since CI must test the reports for real.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestTagDefinition } from 'vitest/config';

export const TOOLS = {
  chromium: { commands: ['chromium'], debianPackage: 'chromium', tests: 'browser' },
  poppler: { commands: ['pdftotext', 'pdfinfo', 'pdffonts', 'pdftoppm'], debianPackage: 'poppler-utils', tests: 'PDF' },
} as const;

export type Tool = keyof typeof TOOLS;
type Command = (typeof TOOLS)[Tool]['commands'][number];

const toolNames = Object.keys(TOOLS) as Tool[];

/** Where a shell would find `command` on PATH. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export const missingCommands = (tool: Tool): Command[] => TOOLS[tool].commands.filter((command) => onPath(command) === undefined);

/** The tools whose tests are skipped in this run: missing, and not required by `CI=true`. */
export function skippedTools(): Tool[] {
  return process.env.CI === 'true' ? [] : toolNames.filter((tool) => missingCommands(tool).length > 0);
}

/** The tag definitions for vitest's config: one per tool. */
export function toolTags(): TestTagDefinition[] {
  const skipped = skippedTools();
  return toolNames.map((tool) => ({ name: tool, description: `needs ${TOOLS[tool].commands.join(', ')}`, skip: skipped.includes(tool) }));
}

/** The full path of a command a test runs; without it, an error that says how to install it. */
export function requireCommand(command: Command): string {
  const path = onPath(command);
  if (path !== undefined) return path;
  const tool = toolNames.find((t) => (TOOLS[t].commands as readonly string[]).includes(command))!;
  throw new Error(`${command} is not on PATH: install it with "apt-get install -y ${TOOLS[tool].debianPackage}" (CI=true runs the ${TOOLS[tool].tests} tests and never skips them)`);
}
