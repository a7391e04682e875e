/** The Amazon Bedrock provider: Converse / ConverseStream chat and InvokeModel embeddings through the AWS SDK, on its own transport. */
import type { UpstreamClient } from '../../http/types.ts';
import type { PlanProviderBedrock } from '../../plan.ts';
import type { ProviderAdapter } from '../types.ts';
import { chatRequest } from './chat-request.ts';
import { chatResponse } from './chat-response.ts';
import { embeddingsRequest, embeddingsResponse } from './embeddings.ts';
import { bedrockError } from './errors.ts';
import { sdkCaller } from './sdk.ts';
import { chatStream } from './stream.ts';
import { bedrockTransport } from './transport.ts';

const transports = new WeakMap<PlanProviderBedrock, UpstreamClient>();

/**
 * The transport, with the AWS SDK loaded on the first call: a gateway without Bedrock
 * targets never pays for loading it (it is most of the start-up cost otherwise).
 */
function lazyTransport(provider: PlanProviderBedrock): UpstreamClient {
  let live: Promise<UpstreamClient> | undefined;
  return {
    async send(request) {
      live ??= import('@aws-sdk/client-bedrock-runtime').then((sdk) => bedrockTransport(sdkCaller(sdk, provider), sdk));
      return (await live).send(request);
    },
  };
}

/**
 * Bedrock. Requests name SDK calls with `bedrock://` pseudo-URLs and the transport answers with
 * JSON and SSE, so the pipeline stays generic. No native pass-through: it would need SigV4
 * signing of arbitrary paths, which is out of scope (and the Lambda may only invoke the Plan's
 * models anyway).
 */
export const bedrockAdapter: ProviderAdapter<PlanProviderBedrock> = {
  type: 'bedrock',
  chat: { request: chatRequest, response: chatResponse, stream: chatStream },
  embeddings: { request: embeddingsRequest, response: embeddingsResponse },
  native: null,
  error: bedrockError,
  transport: (provider) => {
    let t = transports.get(provider);
    if (!t) {
      t = lazyTransport(provider);
      transports.set(provider, t);
    }
    return t;
  },
};
