/**
 * End-to-end harness: fake providers on 127.0.0.1, a `sluice dev` gateway in front of
 * them (the same server the command starts), and the real `openai` SDK as the client.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { startDevServer, type DevServer } from '../../compiler/cli/dev.ts';
import type { RequestRecord } from '../../runtime/log/types.ts';
import { planFrom } from '../support/compile.ts';
import { memoryLog } from '../support/context.ts';
import { startFakeUpstreams, type FakeUpstreamFleet } from '../support/fake-upstream/index.ts';
import { useSecrets } from '../support/secret-scan.ts';

export const CLIENT_KEY = 'sk-e2e-team-key';
export const PROVIDER_KEYS = { PRIMARY_KEY: 'sk-e2e-primary-provider', SECONDARY_KEY: 'sk-e2e-secondary-provider', AZURE_KEY: 'azure-e2e-provider' };
useSecrets(CLIENT_KEY, ...Object.values(PROVIDER_KEYS));

type Names = 'primary' | 'secondary' | 'azure';

/** One gateway over three fakes. */
export interface Rig {
  readonly fakes: FakeUpstreamFleet<Names>;
  readonly gateway: DevServer;
  readonly client: OpenAI;
  /** Request records the gateway wrote (after each response). */
  readonly records: RequestRecord[];
  close(): Promise<void>;
}

/** The spec the end-to-end gateway serves. */
export function spec(f: FakeUpstreamFleet<Names>): string {
  const sha = createHash('sha256').update(CLIENT_KEY).digest('hex');
  return `version: 1
gateway: { name: e2e }
providers:
  primary: { type: openai, base_url: "${f.byName.primary.baseUrl}", api_key: { env: PRIMARY_KEY } }
  secondary: { type: openai-compatible, base_url: "${f.byName.secondary.baseUrl}", api_key: { env: SECONDARY_KEY }, stream_usage: false }
  azure:
    type: azure-openai
    endpoint: "${f.byName.azure.azureEndpoint}"
    api_version: 2024-10-21
    api_key: { env: AZURE_KEY }
    deployments: { gpt-4o: prod-gpt4o }
route_defaults:
  timeout: 1s
  first_token_timeout: 1s
  deadline: 6s
  retry: { attempts: 1, backoff: { initial: 10ms, max: 50ms } }
routes:
  chat: { aliases: [chat, gpt-4o-mini], strategy: { fallback: [primary/gpt-4o-mini, secondary/llama-3.1-8b] } }
  solo: { aliases: [solo], strategy: primary/gpt-4o-mini }
  hurry:
    aliases: [hurry]
    deadline: 2s
    retry: { attempts: 0 }
    strategy: { fallback: [primary/gpt-4o-mini, secondary/llama-3.1-8b, azure/gpt-4o] }
  careful:
    aliases: [careful]
    strategy: { fallback: [primary/gpt-4o-mini, secondary/llama-3.1-8b], on: [rate_limited, overloaded, server, timeout, network, context_length_exceeded] }
  stubborn:
    aliases: [stubborn]
    retry: { attempts: 2, on: [400, invalid_request, context_length_exceeded, 5xx] }
    strategy: { fallback: [primary/gpt-4o-mini, secondary/llama-3.1-8b], on: [context_length_exceeded] }
  eager:
    aliases: [eager]
    timeout: 5s
    first_token_timeout: 1s
    retry: { attempts: 0 }
    strategy: { fallback: [primary/gpt-4o-mini, secondary/llama-3.1-8b] }
  azure: { aliases: [azure-gpt4o], strategy: azure/gpt-4o }
  cold: { aliases: [cold], strategy: { target: primary/gpt-4o-mini, params: { temperature: 0, max_tokens: 64 } } }
  tiered:
    aliases: [tiered]
    strategy:
      conditional:
        - { when: { header: { x-tier: premium } }, then: secondary/llama-3.1-70b }
        - { when: { metadata: { feature: summaries } }, then: azure/gpt-4o }
      default: primary/gpt-4o-mini
  geo:
    aliases: [geo]
    strategy:
      conditional:
        - { when: { country: [DE, AT] }, then: secondary/llama-3.1-8b }
        - { when: { consumer: [team] }, then: azure/gpt-4o }
      default: primary/gpt-4o-mini
  spread:
    aliases: [spread]
    strategy:
      loadbalance:
        - { target: primary/gpt-4o-mini, weight: 1 }
        - { target: secondary/llama-3.1-8b, weight: 1 }
      sticky: consumer
  passthrough: { aliases: ["open/*"], strategy: primary/* }
  embed: { type: embeddings, aliases: [embed], strategy: { fallback: [primary/text-embedding-3-small, secondary/nomic-embed] } }
consumers:
  team: { keys: [{ sha256: ${sha} }] }
`;
}

/** Starts fakes, a gateway over them and an SDK client with SDK retries off unless asked. */
export async function startRig(sdkRetries = 0): Promise<Rig> {
  const fakes = await startFakeUpstreams<Names>(['primary', 'secondary', 'azure']);
  const log = memoryLog();
  const gateway = await startDevServer(planFrom(spec(fakes)), '127.0.0.1', 0, PROVIDER_KEYS, log);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CLIENT_KEY, maxRetries: sdkRetries, timeout: 20_000 });
  return {
    fakes,
    gateway,
    client,
    records: log.records,
    close: async () => {
      await gateway.close();
      await fakes.closeAll();
    },
  };
}

/** Waits until the gateway has written `n` records (they are written after the response). */
export async function recordsAfter(rig: Rig, n: number): Promise<RequestRecord[]> {
  for (let i = 0; i < 100 && rig.records.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return rig.records;
}

/** Text of a streamed completion, and every chunk. */
export async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] }> {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return { text: chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), chunks };
}

export const ask = [{ role: 'user' as const, content: 'Say hello' }];
