/**
 * Which route a requested model selects: an exact alias, else the longest alias pattern
 * (`prefix*`) that matches.
 * @module
 */
import type { Plan, PlanConsumer, PlanRoute } from '../plan.ts';
import { GatewayError } from './errors.ts';

interface AliasIndex {
  readonly patterns: readonly { readonly prefix: string; readonly route: string }[];
}

const indexes = new WeakMap<Plan, AliasIndex>();

function indexOf(plan: Plan): AliasIndex {
  let index = indexes.get(plan);
  if (!index) {
    const patterns = Object.entries(plan.aliases)
      .filter(([alias]) => alias.endsWith('*'))
      .map(([alias, route]) => ({ prefix: alias.slice(0, -1), route }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    index = { patterns };
    indexes.set(plan, index);
  }
  return index;
}

/** The route a model selects, or undefined. */
export function routeFor(plan: Plan, model: string): PlanRoute | undefined {
  const exact = plan.aliases[model];
  if (exact !== undefined) return plan.routes[exact];
  const pattern = indexOf(plan).patterns.find((p) => model.startsWith(p.prefix));
  return pattern ? plan.routes[pattern.route] : undefined;
}

/** C0 controls and DEL. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The route for a request's model, checked against the endpoint and the consumer. */
export function matchRoute(plan: Plan, model: unknown, endpoint: PlanRoute['type'], consumer: PlanConsumer | null): PlanRoute {
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError('invalid_request', 'The request needs a "model": one of the aliases GET /v1/models lists.', 'model');
  }
  // A model name goes to providers and into response headers: control characters have no place in it.
  if (CONTROL.test(model)) throw new GatewayError('invalid_request', 'The "model" contains control characters (line breaks, tabs, NUL…); model names are plain text.', 'model');
  const route = routeFor(plan, model);
  const shown = model.length > 100 ? `${model.slice(0, 100)}…` : model;
  if (!route) throw new GatewayError('model_not_found', `The model "${shown}" does not exist on this gateway; GET /v1/models lists the models you can use.`, 'model');
  if (route.type !== endpoint) {
    throw new GatewayError('wrong_endpoint', `The model "${shown}" serves ${route.type === 'chat' ? '/v1/chat/completions' : '/v1/embeddings'}, not this endpoint.`, 'model');
  }
  if (consumer !== null && !consumer.routes.includes(route.name)) {
    throw new GatewayError('route_forbidden', `Your key may not use the model "${shown}".`, 'model');
  }
  return route;
}
