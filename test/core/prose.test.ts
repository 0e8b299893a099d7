import { describe, expect, it } from 'vitest';
import { proseSpans, proseText } from '../../lib/core/format/prose.js';

const code = (text: string) => ({ text, code: true });
const plain = (text: string) => ({ text, code: false });

describe('prose with code spans', () => {
  it('cuts backtick spans out as code and drops the backticks', () => {
    expect(proseSpans('merge their `except` lists.')).toEqual([plain('merge their '), code('except'), plain(' lists.')]);
    expect(proseSpans('`from` empty or `namespaceSelector: {}`)')).toEqual([code('from'), plain(' empty or '), code('namespaceSelector: {}'), plain(')')]);
    expect(proseText(proseSpans('set `automountServiceAccountToken: false` on it'))).toBe('set automountServiceAccountToken: false on it');
    expect(proseSpans('no code here')).toEqual([plain('no code here')]);
    expect(proseSpans('')).toEqual([plain('')]);
  });

  it('never lets a backtick inside a cluster string open a span that swallows the text after it', () => {
    // Prepare: a workload whose name holds a backtick, in a message with a real code span after it
    const name = 'shop/we`b';
    const text = `${name}[Deployment] can reach it: merge their \`except\` lists.`;

    // Act
    const spans = proseSpans(text, [name]);

    // Assess
    expect(spans).toEqual([plain(`${name}[Deployment] can reach it: merge their `), code('except'), plain(' lists.')]);
  });

  it('takes a backtick for a delimiter only at a word boundary, so one inside a word stays text', () => {
    expect(proseSpans('pod a`b and c`d')).toEqual([plain('pod a`b and c`d')]);
    expect(proseSpans('odd ` one')).toEqual([plain('odd ` one')]);
    expect(proseSpans('`unclosed and `closed`')).toEqual([plain('`unclosed and '), code('closed')]);
  });
});
