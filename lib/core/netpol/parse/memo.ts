/**
 * Parse results that the policies of one analysis repeat many times: label selectors (a few hundred
 * distinct ones among thousands of peers) and CIDRs. Both parsers are pure functions of their
 * input, so a remembered result is exactly what a fresh parse would give.
 */
import { parseCidr, type ParsedCidr } from '../ipv4.js';
import { parseLabelSelector, type SelectorResult } from '../labelSelector.js';

export class ParseMemo {
  private readonly selectors = new Map<string, SelectorResult>();
  private readonly cidrs = new Map<string, ParsedCidr>();

  selector(raw: unknown): SelectorResult {
    if (!isPlainData(raw)) return parseLabelSelector(raw);
    const key = JSON.stringify(raw);
    let result = this.selectors.get(key);
    if (!result) {
      result = parseLabelSelector(raw);
      this.selectors.set(key, result);
    }
    return result;
  }

  cidr(text: string): ParsedCidr {
    let result = this.cidrs.get(text);
    if (!result) {
      result = parseCidr(text);
      this.cidrs.set(text, result);
    }
    return result;
  }
}

/**
 * Whether a value is made only of strings, nulls, lists and plain maps: JSON text then tells any two
 * such values apart. Anything else (numbers, booleans, undefined, list holes, class instances) is
 * left uncached, since JSON would conflate some of them (NaN and null, a missing and an undefined field).
 */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string') return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainData(value[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!isPlainData((value as Record<string, unknown>)[key])) return false;
  return true;
}
