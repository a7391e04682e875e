/**
 * deadline-below-timeout: a route's deadline leaves room for at least one full attempt.
 * @module
 */
import { ms } from '../duration.ts';
import type { Check } from './context.ts';
import { ROUTE_DEFAULTS } from '../normalize/defaults.ts';

export const deadlineBelowTimeout: Check = ({ spec }) =>
  Object.entries(spec.routes).flatMap(([name, route]) => {
    const timeout = route.timeout ?? spec.route_defaults?.timeout ?? ROUTE_DEFAULTS.timeout;
    const deadline = route.deadline ?? spec.route_defaults?.deadline ?? ROUTE_DEFAULTS.deadline;
    if (ms(deadline) >= ms(timeout)) return [];
    const path = route.deadline !== undefined ? ['routes', name, 'deadline'] : route.timeout !== undefined ? ['routes', name, 'timeout'] : ['routes', name];
    return [
      {
        code: 'deadline-below-timeout' as const,
        message: `route "${name}" has deadline ${deadline}, shorter than its per-attempt timeout ${timeout}`,
        path,
        atKey: path.length === 2,
      },
    ];
  });
