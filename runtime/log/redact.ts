/**
 * Redaction of logged bodies and metadata by the spec's patterns: built-in ones for email
 * addresses, phone numbers, card numbers, API keys and IP addresses, and the spec's own
 * regular expressions. Matches become `[redacted:<name>]`.
 * @module
 */
import { isIP } from 'node:net';
import type { PlanRedaction } from '../plan.ts';

/** A built-in pattern: candidates by regular expression, each kept only if `accept` says it is one. */
interface Builtin {
  readonly re: RegExp;
  readonly accept?: (match: string) => boolean;
}

function digits(text: string): number {
  let n = 0;
  for (const c of text) if (c >= '0' && c <= '9') n++;
  return n;
}

/** Luhn checksum, so order numbers and ids of 13-19 digits are not taken for cards. */
function luhn(text: string): boolean {
  const ds = [...text].filter((c) => c >= '0' && c <= '9').map(Number);
  let sum = 0;
  for (let i = 0; i < ds.length; i++) {
    let d = ds[ds.length - 1 - i]!;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const BUILTIN: Readonly<Record<Extract<PlanRedaction, { kind: 'builtin' }>['name'], Builtin>> = {
  // Every repetition is bounded, so a long run of letters or digits costs linear time, not quadratic.
  email: { re: /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}/gu },
  // 8 to 15 digits with phone punctuation; ISO dates and times are not phones.
  phone: {
    re: /(?<![\w+])\+?\(?\d[\d ().-]{6,22}\d(?![\w])/gu,
    accept: (m) => digits(m) >= 8 && digits(m) <= 15 && !/^\d{4}-\d{2}-\d{2}/.test(m),
  },
  'credit-card': { re: /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/gu, accept: luhn },
  'api-key': {
    re: /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,512}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,64}|gh[pousr]_[A-Za-z0-9]{36,255}|xox[abposr]-[A-Za-z0-9-]{10,255})/gu,
  },
  // IPv4 and IPv6 candidates, kept only when they parse as addresses (times like 12:30:45 do not).
  ip: { re: /(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})(?![\w:])/giu, accept: (m) => isIP(m) !== 0 },
};

/** A redactor for a Plan's patterns (compiled once). */
export function redactor(rules: readonly PlanRedaction[]): (text: string) => string {
  const compiled = rules.map((r) => (r.kind === 'builtin' ? { name: r.name, ...BUILTIN[r.name] } : { name: r.name, re: new RegExp(r.pattern, 'gu'), accept: undefined }));
  return (text) => {
    let out = text;
    for (const { name, re, accept } of compiled) {
      const mark = `[redacted:${name}]`;
      out = accept ? out.replace(re, (m) => (accept(m) ? mark : m)) : out.replace(re, mark);
    }
    return out;
  };
}

/** Applies `redact` to every string inside a JSON value. */
export function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, redact);
    return out;
  }
  return value;
}
