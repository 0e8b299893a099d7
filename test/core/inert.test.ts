import { describe, expect, it } from 'vitest';
import { hasInvisible, inertBlock, inertLine } from '../../lib/core/format/inert.js';

describe('inert text', () => {
  it('shows bidi overrides, isolates, zero-width characters and terminal escapes as code points', () => {
    expect(inertLine('pod\u202Egpj.exe')).toBe('pod<U+202E>gpj.exe');
    expect(inertLine('a\u2066b\u2069c')).toBe('a<U+2066>b<U+2069>c');
    expect(inertLine('x\u200By\uFEFF')).toBe('x<U+200B>y<U+FEFF>');
    expect(inertLine('\u001b[2Jred')).toBe('<U+001B>[2Jred');
    expect(inertLine('line\nnext\r')).toBe('line<U+000A>next<U+000D>');
    expect(inertLine('\u0085\u2028')).toBe('<U+0085><U+2028>');
  });

  it('keeps line feeds and tabs in a block, and leaves ordinary text alone', () => {
    expect(inertBlock('a: 1\n\tb: "\u202E"')).toBe('a: 1\n\tb: "<U+202E>"');
    expect(inertLine('Grafana — ünïcode 名前 ok')).toBe('Grafana — ünïcode 名前 ok');
    expect(hasInvisible('plain')).toBe(false);
    expect(hasInvisible('p\u202Dq')).toBe(true);
    expect(hasInvisible('p\u202Dq')).toBe(true);
  });
});
