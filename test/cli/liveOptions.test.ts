/** `--concurrency` on the live options of `collect` and `scan`: parsed, bounded, passed on. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addLiveOptions, liveOptions, type LiveFlags } from '../../lib/cli/liveOptions.js';

function parse(args: string[]): LiveFlags {
  const command = addLiveOptions(new Command('collect').exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return command.opts<LiveFlags>();
}

describe('--concurrency', () => {
  it('passes the number of clusters collected at once to the collection', () => {
    expect(liveOptions(parse(['--all-contexts', '--concurrency', '3']))).toEqual({ allContexts: true, timeoutSeconds: 15, concurrency: 3, terminal: false });
  });

  it('leaves the default to the collection when not given', () => {
    expect(liveOptions(parse(['--all-contexts']))).not.toHaveProperty('concurrency');
  });

  it.each(['0', '2.5', 'many', '257'])('refuses %s', (value) => {
    expect(() => parse(['--all-contexts', '--concurrency', value])).toThrow(/whole number of clusters from 1 to 256/);
  });
});
