/** Several named fakes started together, with one view of which of them were tried, in order. */
import { startFakeUpstream } from './server.ts';
import type { FakeUpstream, RequestRecord } from './types.ts';

/** Fakes started by `startFakeUpstreams`. */
export interface FakeUpstreamFleet<N extends string> {
  /** Each fake by name. */
  readonly byName: Readonly<Record<N, FakeUpstream>>;
  /** The fakes in the order their names were given. */
  readonly all: readonly FakeUpstream[];
  /** Every request to any of them, in arrival order. */
  requests(): RequestRecord[];
  /** The fake's name for each request, in arrival order: `['openai-a', 'openai-a', 'azure-b']`. */
  tried(): string[];
  /** Closes them all. */
  closeAll(): Promise<void>;
}

/** Starts one fake per name (names must be distinct); if one fails to start, closes the others. */
export async function startFakeUpstreams<const N extends string>(names: readonly N[]): Promise<FakeUpstreamFleet<N>> {
  if (new Set(names).size !== names.length) throw new Error(`fake upstream names must be distinct: ${names.join(', ')}`);
  const results = await Promise.allSettled(names.map((name) => startFakeUpstream({ name })));
  const all = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(all.map((up) => up.close()));
    throw failed.reason;
  }
  const byName = Object.fromEntries(all.map((up) => [up.name, up])) as Record<N, FakeUpstream>;
  const requests = (): RequestRecord[] => all.flatMap((up) => up.requests).sort((a, b) => a.seq - b.seq);
  return {
    byName,
    all,
    requests,
    tried: () => requests().map((r) => r.upstream),
    closeAll: async () => {
      await Promise.all(all.map((up) => up.close()));
    },
  };
}
