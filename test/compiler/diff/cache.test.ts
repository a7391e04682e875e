/** Scenarios for the cache section (per route). */
import { describe } from 'vitest';
import { makePlan } from './plan-factory.ts';
import { ch, runScenarios } from './scenarios.ts';

const k = (subject: string, action: Parameters<typeof ch>[2], message: string, flags: Parameters<typeof ch>[4] = []) => ch('cache', subject, action, message, flags);

describe('diff: cache', () => {
  runScenarios([
    { name: 'cache turned off raises spend', head: makePlan({ routes: { chat: { cache: { enabled: false } } } }), changes: [
      k('route chat', 'changed', 'route chat: cache turned off (was 1h, per consumer)', ['raises-spend']),
    ] },
    { name: 'cache turned on per consumer is neutral', head: makePlan({ routes: { smart: { cache: { enabled: true } } } }), changes: [
      k('route smart', 'changed', 'route smart: cache turned on (1h, per consumer)'),
    ] },
    { name: 'cache turned on shared loosens security', head: makePlan({ routes: { smart: { cache: { enabled: true, scope: 'shared' } } } }), changes: [
      k('route smart', 'changed', 'route smart: cache turned on (1h, shared by all consumers)', ['loosens-security']),
    ] },
    { name: 'TTL lowered raises spend', head: makePlan({ routes: { chat: { cache: { ttlMs: 600_000 } } } }), changes: [
      k('route chat', 'changed', 'route chat: cache TTL 1h → 10m', ['raises-spend']),
    ] },
    { name: 'TTL raised is neutral', head: makePlan({ routes: { chat: { cache: { ttlMs: 86_400_000 } } } }), changes: [
      k('route chat', 'changed', 'route chat: cache TTL 1h → 1d'),
    ] },
    { name: 'scope consumer → shared loosens security', head: makePlan({ routes: { chat: { cache: { scope: 'shared' } } } }), changes: [
      k('route chat', 'changed', 'route chat: cache scope per consumer → shared by all consumers', ['loosens-security']),
    ] },
    { name: 'scope shared → consumer is neutral', head: makePlan({ routes: { embed: { cache: { scope: 'consumer' } } } }), changes: [
      k('route embed', 'changed', 'route embed: cache scope shared by all consumers → per consumer'),
    ] },
    {
      name: 'a key header removed loosens security; one added is neutral',
      base: makePlan({ routes: { chat: { cache: { keyHeaders: ['x-tenant'] } } } }),
      head: makePlan({ routes: { chat: { cache: { keyHeaders: ['x-user'] } } } }),
      changes: [
        k('route chat', 'removed', 'route chat: cache key no longer includes header x-tenant', ['loosens-security']),
        k('route chat', 'added', 'route chat: cache key now also includes header x-user'),
      ],
    },
    { name: 'smaller max entry raises spend; streaming is neutral', head: makePlan({ routes: { chat: { cache: { maxEntryKb: 64, streaming: true } } } }), changes: [
      k('route chat', 'changed', 'route chat: cache max entry 256 KB → 64 KB', ['raises-spend']),
      k('route chat', 'changed', 'route chat: cache of streamed responses turned on'),
    ] },
    { name: 'settings of a cache off on both sides are no change', head: makePlan({ routes: { smart: { cache: { ttlMs: 1_000 } } } }), changes: [] },
  ]);
});
