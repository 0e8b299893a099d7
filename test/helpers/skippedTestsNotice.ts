/**
 * vitest globalSetup: after the run, one line on the tests skipped for want of a tool and how to
 * install it, so that a green run on a bare machine does not pass for a full one.
 */
import type { TestProject } from 'vitest/node';
import { missingCommands, skippedTools, TOOLS, type Tool } from './tools.js';

function skippedCount(project: TestProject, tool: Tool): number {
  return project.vitest.state.getTestModules()
    .flatMap((module) => [...module.children.allTests()])
    .filter((test) => test.tags.includes(tool) && test.result().state === 'skipped').length;
}

export default function setup(project: TestProject): () => void {
  return () => {
    const skipped = skippedTools()
      .map((tool) => ({ tool, count: skippedCount(project, tool) }))
      .filter(({ count }) => count > 0);
    if (skipped.length === 0) return;
    const what = skipped.map(({ tool, count }) => `${count} ${TOOLS[tool].tests} test${count === 1 ? '' : 's'} (no ${missingCommands(tool).join(', ')})`);
    const packages = skipped.map(({ tool }) => TOOLS[tool].debianPackage).join(' ');
    process.stderr.write(`kubeseg tests: skipping ${what.join(' and ')}: install them with "apt-get install -y ${packages}"\n`);
  };
}
