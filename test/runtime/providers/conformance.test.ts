/**
 * The provider conformance suite: every adapter runs every scenario against transcripts
 * written from its provider's documented examples, checking both the request Sluice sends
 * and what the client gets back. A scenario is skipped only with a written reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notApplicable, runTranscript, TRANSCRIPTS } from './conformance/run.ts';
import { SCENARIOS } from './conformance/scenarios.ts';
import type { ConformingType, ScenarioName } from './conformance/types.ts';

/** Adapters that must conform (grows as providers land). */
const TYPES: readonly ConformingType[] = ['openai', 'azure-openai', 'openai-compatible', 'anthropic', 'gemini', 'bedrock'];
const NAMES = Object.keys(SCENARIOS) as ScenarioName[];

describe.each(TYPES)('%s adapter', (type) => {
  const skipped = notApplicable(type);
  it.each(NAMES)('%s', (scenario) => {
    const file = join(TRANSCRIPTS, type, `${scenario}.json`);
    if (skipped[scenario] !== undefined) {
      expect(skipped[scenario]!.length, 'a not-applicable scenario needs a reason').toBeGreaterThan(20);
      expect(existsSync(file), 'a transcript exists for a scenario declared not applicable').toBe(false);
      return;
    }
    expect(existsSync(file), `missing transcript ${type}/${scenario}.json`).toBe(true);
    runTranscript(type, scenario, file);
  });
});
