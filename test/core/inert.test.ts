import { describe, expect, it } from 'vitest';
import { hasInvisible, inertBlock, inertLine, inertStrings } from '../../lib/core/format/inert.js';

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

describe('inert strings of a whole value', () => {
  it('makes every string inert, keeps line breaks under block keys, and leaves clean parts as they are', () => {
    // Prepare
    const clean = { name: 'web', tags: ['a', 'b'] };
    const value = { cluster: 'prod\u202Eexe', yaml: 'a: 1\nb: "\u200B"', list: ['x\r\ny', 3, null], clean };

    // Act
    const inert = inertStrings(value, new Set(['yaml']));

    // Assess
    expect(inert).toEqual({ cluster: 'prod<U+202E>exe', yaml: 'a: 1\nb: "<U+200B>"', list: ['x<U+000D><U+000A>y', 3, null], clean });
    expect(inert.clean).toBe(clean);
    expect(inertStrings(clean)).toBe(clean);
    expect(value.cluster).toBe('prod\u202Eexe');
  });
});
