/** Gateway section: name, stage, auth, region and account, and the Lambda runtime's sizing. */
import type { Plan, PlanGateway } from '../../../runtime/plan.ts';
import { toChanges } from '../change.ts';
import { diffFields, field } from '../fields.ts';
import { formatDuration } from '../format/duration.ts';
import { formatCount } from '../format/number.ts';
import { whenLater, whenRaised } from '../rules.ts';
import type { Change, DiffFlag } from '../types.ts';

function concurrencyText(value: number | null): string {
  return value === null ? 'unreserved' : formatCount(value);
}

/** Raising the reservation, or dropping it (the function then scales to the account's pool), can raise spend. */
function concurrencyFlags(before: number | null, after: number | null): DiffFlag[] {
  if (before === null) return [];
  return after === null || after > before ? ['raises-spend'] : [];
}

const GATEWAY_FIELDS = [
  field({ label: 'name', get: (g: PlanGateway) => g.name }),
  field({ label: 'stage', get: (g: PlanGateway) => g.stage }),
  field({ label: 'auth', get: (g: PlanGateway) => g.auth, flags: whenLater<PlanGateway['auth']>(['keys', 'none'], 'loosens-security') }),
  field({ label: 'region', get: (g: PlanGateway) => g.region }),
  field({ label: 'account', get: (g: PlanGateway) => g.account }),
  field({ label: 'memory', get: (g: PlanGateway) => g.runtime.memoryMb, format: (mb) => `${mb} MB`, flags: whenRaised('raises-spend') }),
  field({ label: 'reserved concurrency', get: (g: PlanGateway) => g.runtime.reservedConcurrency, format: concurrencyText, flags: concurrencyFlags }),
  field({ label: 'Lambda log retention', get: (g: PlanGateway) => g.runtime.logRetentionDays, format: (d) => `${d} days` }),
  field({ label: 'store timeout', get: (g: PlanGateway) => g.runtime.storeTimeoutMs, format: formatDuration, flags: whenRaised('raises-spend') }),
];

/**
 * Gateway-wide changes. `auth keys → none` loosens security; more memory, a larger or removed
 * concurrency reservation and a longer store timeout (billed Lambda time) raise spend.
 */
export function diffGateway(base: Plan, head: Plan): Change[] {
  return toChanges('gateway', 'gateway', diffFields(base.gateway, head.gateway, GATEWAY_FIELDS));
}
