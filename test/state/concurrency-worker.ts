/**
 * One "Lambda instance" of the concurrency test, run as its own process (`node --import tsx`):
 * real runtime dependencies over a real DynamoDB store, and for each round the parent starts,
 * `REQUESTS` concurrent calls of the real `handle()` released at the round's start time.
 * Talks to the parent over IPC: sends `ready`, receives `{ round, at }`, answers `{ round, counts }`.
 */
import { readFileSync } from 'node:fs';
import { handle } from '../../runtime/core/handle.ts';
import { systemClock, type HandlerContext, type RuntimeDeps } from '../../runtime/core/context.ts';
import { createHttpClient } from '../../runtime/http/client.ts';
import { nullLog } from '../../runtime/log/types.ts';
import type { Plan } from '../../runtime/plan.ts';
import { limitMemory } from '../../runtime/policies/limits.ts';
import { createBreakers } from '../../runtime/routing/breaker.ts';
import { connectStore } from '../../runtime/store/dynamodb.ts';
import type { Store } from '../../runtime/store/types.ts';

/** What the parent passes as argv[2] (JSON). */
export interface WorkerArgs {
  readonly endpoint: string;
  readonly tableName: string;
  /** A JSON file holding the Plan of each round. */
  readonly plansFile: string;
  readonly requests: number;
}

/** Parent → worker; `naive` swaps in a read-then-write increment (the negative control). */
export type ToWorker = { readonly round: number; readonly at: number; readonly naive?: boolean } | { readonly stop: true };
/** Worker → parent. */
export type FromWorker = { readonly ready: true } | { readonly round: number; readonly counts: Record<string, number>; readonly spreadMs: number; readonly tookMs: number };

const args = JSON.parse(process.argv[2]!) as WorkerArgs;
const plans = JSON.parse(readFileSync(args.plansFile, 'utf8')) as Plan[];
const { store, client } = await connectStore({
  tableName: args.tableName,
  endpoint: args.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'sluicetest', secretAccessKey: 'sluicetest' },
});
const upstream = createHttpClient();
const memory = limitMemory();
const breakers = createBreakers();

function send(message: FromWorker): void {
  process.send!(message);
}

/** Waits until the wall clock reaches `at` (timer to just before, then a short spin). */
async function until(at: number): Promise<void> {
  const ahead = at - Date.now() - 3;
  if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
  while (Date.now() < at) {
    /* spin the last few ms so every process starts within a millisecond of `at` */
  }
}

/** What a store without conditional writes would do: read, decide, then add. Races admit too many. */
const naiveStore: Store = {
  ...store,
  increment: (ops, timeoutMs) =>
    Promise.all(
      ops.map(async (op) => {
        const [value] = await store.read([{ key: op.key, window: op.window }], timeoutMs);
        if (value! + op.amount > op.limit) return { admitted: false, value: value! };
        await store.add([{ key: op.key, window: op.window, amount: op.amount, expiresAt: op.expiresAt }], timeoutMs);
        return { admitted: true, value: value! + op.amount };
      }),
    ),
};

async function round(index: number, at: number, naive: boolean): Promise<void> {
  const deps: RuntimeDeps = { plan: plans[index]!, clock: systemClock, secrets: () => Promise.reject(new Error('none')), env: {}, upstream, random: Math.random, breakers, log: nullLog, store: naive ? naiveStore : store, limitMemory: memory };
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `round ${index}` }] });
  await until(at);
  const pending: Promise<unknown>[] = [];
  const ctx: HandlerContext = { ...deps, waitUntil: (w) => void pending.push(w), clientIp: '10.0.0.1', requestId: null };
  const calls = Array.from({ length: args.requests }, () =>
    handle(new Request('http://gw.test/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body }), ctx).then(async (res) => {
      const text = await res.text();
      if (res.status === 200) return '200';
      const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? 'unknown';
      return `${res.status} ${code}`;
    }),
  );
  const started = Date.now();
  const outcomes = await Promise.all(calls);
  await Promise.allSettled(pending);
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  send({ round: index, counts, spreadMs: started - at, tookMs: Date.now() - at });
}

process.on('message', (message: ToWorker) => {
  if ('stop' in message) {
    client.destroy();
    upstream.close();
    process.disconnect();
    return;
  }
  void round(message.round, message.at, message.naive === true);
});

// Open the SDK's connections before the first round, so round 0 races like the others.
await Promise.all(Array.from({ length: args.requests }, () => store.read([{ key: 'warm-up', window: 'w' }], 10_000)));
send({ ready: true });
