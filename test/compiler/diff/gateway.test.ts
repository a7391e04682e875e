/** Scenarios for the gateway section: auth, naming, runtime sizing. */
import { describe } from 'vitest';
import { makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const g = (message: string, flags: Parameters<typeof ch>[4] = []) => ch('gateway', 'gateway', 'changed', message, flags);

describe('diff: gateway', () => {
  runScenarios([
    { name: 'no change', head: makePlan(), changes: [] },
    { name: 'auth keys → none loosens security', head: makePlan({ gateway: { auth: 'none' } }), changes: [g('gateway: auth keys → none', ['loosens-security'])] },
    { name: 'auth none → keys is neutral', base: makePlan({ gateway: { auth: 'none' } }), head: makePlan(), changes: [g('gateway: auth none → keys')] },
    { name: 'name, stage, region and account are neutral', head: makePlan({ gateway: { name: 'acme', stage: 'dev', region: null, account: '123456789012' } }), changes: [
      g('gateway: account none → 123456789012'),
      g('gateway: name acme-ai → acme'),
      g('gateway: region eu-west-1 → none'),
      g('gateway: stage prod → dev'),
    ] },
    { name: 'memory raised raises spend', head: makePlan({ gateway: { runtime: { memoryMb: 2048 } } }), changes: [g('gateway: memory 1024 MB → 2048 MB', ['raises-spend'])] },
    { name: 'memory lowered is neutral', head: makePlan({ gateway: { runtime: { memoryMb: 512 } } }), changes: [g('gateway: memory 1024 MB → 512 MB')] },
    { name: 'reserved concurrency raised raises spend', head: makePlan({ gateway: { runtime: { reservedConcurrency: 400 } } }), changes: [g('gateway: reserved concurrency 200 → 400', ['raises-spend'])] },
    { name: 'reserved concurrency dropped raises spend', head: makePlan({ gateway: { runtime: { reservedConcurrency: null } } }), changes: [g('gateway: reserved concurrency 200 → unreserved', ['raises-spend'])] },
    { name: 'reserved concurrency set is neutral', base: makePlan({ gateway: { runtime: { reservedConcurrency: null } } }), head: makePlan(), changes: [g('gateway: reserved concurrency unreserved → 200')] },
    { name: 'store timeout raised raises spend', head: makePlan({ gateway: { runtime: { storeTimeoutMs: 1500 } } }), changes: [g('gateway: store timeout 500ms → 1s500ms', ['raises-spend'])] },
    { name: 'Lambda log retention is neutral', head: makePlan({ gateway: { runtime: { logRetentionDays: 30 } } }), changes: [g('gateway: Lambda log retention 90 days → 30 days')] },
  ]);
});
