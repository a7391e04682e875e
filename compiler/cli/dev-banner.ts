/**
 * What `sluice dev` prints when it is ready: where it listens, which routes it serves, and
 * a curl command and an OpenAI SDK snippet that work as pasted.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Plan } from '../../runtime/plan.ts';

/** The quickstart's published demo key; its hash is in examples/quickstart.yaml. */
export const DEMO_KEY = 'sk-sluice-demo';

function demoKeyIn(plan: Plan): boolean {
  const hash = createHash('sha256').update(DEMO_KEY).digest('hex');
  return Object.values(plan.consumers).some((c) => c.keys.some((k) => k.kind === 'sha256' && k.sha256 === hash));
}

/**
 * One line for each provider whose key `sluice dev` will not have: its environment variable
 * is unset or empty, or it names only a Secrets Manager secret, which dev does not read.
 * Requests to such a provider fail with `provider_key_missing` / `provider_key_unavailable`.
 */
export function keyWarnings(plan: Plan, env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const provider of Object.values(plan.providers)) {
    const cred = 'apiKey' in provider ? provider.apiKey : null;
    if (cred === null) continue;
    if (cred.env !== null && (env[cred.env] ?? '') !== '') continue;
    out.push(
      cred.env !== null
        ? `sluice dev: warning: provider ${provider.name} takes its key from $${cred.env}, which is not set here; its requests will fail until it is`
        : `sluice dev: warning: provider ${provider.name} has its key only in Secrets Manager, which sluice dev does not read; add api_key.env to use it here`,
    );
  }
  return out;
}

/** The ready banner. */
export function devBanner(plan: Plan, url: string): string {
  const chat = Object.values(plan.routes).find((r) => r.type === 'chat');
  const model = chat?.aliases.find((a) => !a.endsWith('*')) ?? 'your-model';
  const auth = plan.gateway.auth === 'keys';
  const key = !auth ? null : demoKeyIn(plan) ? DEMO_KEY : '$SLUICE_API_KEY';
  const routes = Object.values(plan.routes)
    .map((r) => `    ${r.name} (${r.type}): ${r.aliases.join(', ')}`)
    .join('\n');
  const authHeader = key === null ? '' : ` \\\n    -H "Authorization: Bearer ${key}"`;
  const keyNote = key === '$SLUICE_API_KEY' ? '\n  (set SLUICE_API_KEY to a key whose sha256 is listed under consumers)\n' : '';
  return `sluice dev: gateway ${plan.gateway.name} (stage ${plan.gateway.stage}, plan ${plan.hash.slice(0, 19)}) listening on ${url}
  routes:
${routes}
${keyNote}
  curl ${url}/v1/chat/completions${authHeader} \\
    -H "Content-Type: application/json" \\
    -d '{"model":"${model}","messages":[{"role":"user","content":"Hello!"}]}'

  import OpenAI from 'openai';
  const client = new OpenAI({ baseURL: '${url}/v1', apiKey: ${key === null ? "'unused'" : key === DEMO_KEY ? `'${DEMO_KEY}'` : 'process.env.SLUICE_API_KEY'} });
  const reply = await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'Hello!' }] });
  console.log(reply.choices[0].message.content);

Press Ctrl+C to stop.
`;
}
