/**
 * Runs one scenario through one adapter: checks the request it builds against the
 * transcript, feeds it the recorded answer, and checks what the client would get.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { adapterFor } from '../../../../runtime/providers/registry.ts';
import { UnsupportedInput, type CallInput, type StreamStep } from '../../../../runtime/providers/types.ts';
import { CALL, PROVIDERS, TEST_KEYS } from './providers.ts';
import { SCENARIOS } from './scenarios.ts';
import type { ConformingType, NotApplicable, ScenarioName, Transcript } from './types.ts';

/** Where transcripts live. */
export const TRANSCRIPTS = join(import.meta.dirname, '..', 'transcripts');

type Merged = Record<string, unknown>;

function deepMerge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out: Merged = { ...(base as Merged) };
  // Header sets are replaced whole: a provider's auth header is not added to another's.
  for (const [k, v] of Object.entries(over)) out[k] = k === 'headers' ? v : deepMerge(out[k], v);
  return out;
}

/** A transcript file, with `$extends` (a path relative to it) merged under it. */
export function loadTranscript(file: string): Transcript {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Merged;
  const ext = raw.$extends;
  if (typeof ext !== 'string') return raw as unknown as Transcript;
  const { $extends: _, ...rest } = raw;
  return deepMerge(loadTranscript(join(dirname(file), ext)), rest) as Transcript;
}

/** The scenarios a provider type declares not applicable, with reasons. */
export function notApplicable(type: ConformingType): NotApplicable {
  const file = join(TRANSCRIPTS, type, 'not-applicable.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NotApplicable) : {};
}

function callInput(type: ConformingType, scenario: ScenarioName, t: Transcript): CallInput {
  const s = SCENARIOS[scenario];
  return { provider: PROVIDERS[type], model: t.model, body: { ...s.body, model: t.model }, apiKey: TEST_KEYS[type], headers: {}, ...CALL };
}

function bodyOf(body: string | Uint8Array | null): unknown {
  if (body === null) return null;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  return JSON.parse(text) as unknown;
}

function checkRequest(type: ConformingType, scenario: ScenarioName, t: Transcript, input: CallInput): void {
  const adapter = adapterFor(PROVIDERS[type])!;
  const ops = SCENARIOS[scenario].endpoint === 'chat' ? adapter.chat : adapter.embeddings!;
  if (t.expect.kind === 'unsupported') {
    expect(() => ops.request(input)).toThrow(UnsupportedInput);
    expect(() => ops.request(input)).toThrow(t.expect.message);
    return;
  }
  const req = ops.request(input);
  const want = t.request!;
  expect(req.url).toBe(want.url);
  expect(req.method).toBe(want.method);
  for (const [name, value] of Object.entries(want.headers ?? {})) expect(req.headers[name], `header ${name}`).toBe(value);
  expect(bodyOf(req.body)).toEqual(want.body);
}

function checkStream(type: ConformingType, t: Transcript, input: CallInput): void {
  const adapter = adapterFor(PROVIDERS[type])!;
  const translator = adapter.chat.stream(input);
  const chunks: unknown[] = [];
  let usage: unknown = null;
  let end: unknown = 'ended';
  const events = 'events' in t.response! ? t.response.events : [];
  for (const e of events) {
    const step: StreamStep = translator.next({ event: e.event ?? null, data: typeof e.data === 'string' ? e.data : JSON.stringify(e.data), id: null });
    if (step.kind === 'chunks') {
      chunks.push(...step.chunks.map((c) => c.chunk));
      usage = step.usage ?? usage;
    } else if (step.kind === 'done') {
      end = 'done';
      break;
    } else if (step.kind === 'error') {
      end = { failure: { class: step.failure.class } };
      break;
    }
  }
  const want = t.expect as Extract<Transcript['expect'], { kind: 'stream' }>;
  expect(chunks).toEqual(want.chunks);
  expect(end).toEqual(want.end);
  expect(usage).toEqual(want.usage);
}

function checkAnswer(type: ConformingType, scenario: ScenarioName, t: Transcript, input: CallInput): void {
  const adapter = adapterFor(PROVIDERS[type])!;
  const res = t.response!;
  const want = t.expect;
  if (res.status >= 400) {
    const text = 'body' in res ? (typeof res.body === 'string' ? res.body : JSON.stringify(res.body)) : '';
    const f = adapter.error(res.status, res.headers ?? {}, text, 0);
    expect(want.kind).toBe('failure');
    expect(f).toMatchObject({ class: (want as { class: string }).class, status: res.status, ...('code' in want && want.code ? { code: want.code } : {}) });
    expect(JSON.stringify(f)).not.toContain(TEST_KEYS[type] ?? '\u0000');
    return;
  }
  if ('events' in res) return checkStream(type, t, input);
  const parse = SCENARIOS[scenario].endpoint === 'chat' ? adapter.chat.response : adapter.embeddings!.response;
  const parsed = parse(res.body, input as never);
  if (want.kind === 'failure') {
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.failure).toMatchObject({ class: want.class });
    return;
  }
  expect(want.kind).toBe('json');
  expect(parsed.ok).toBe(true);
  if (parsed.ok && want.kind === 'json') {
    expect(parsed.value).toEqual(want.body);
    expect(parsed.usage as JsonObject | null).toEqual(want.usage);
  }
}

/** Runs one scenario's transcript for one provider type. */
export function runTranscript(type: ConformingType, scenario: ScenarioName, file: string): void {
  const t = loadTranscript(file);
  const input = callInput(type, scenario, t);
  checkRequest(type, scenario, t, input);
  if (t.expect.kind !== 'unsupported') checkAnswer(type, scenario, t, input);
}
