/**
 * auth-unspecified, auth-none-with-consumers: an open gateway is always a written decision,
 * and a gateway with consumers checks their keys.
 * @module
 */
import type { Check } from './context.ts';

export const authUnspecified: Check = ({ spec }) => {
  const consumers = Object.keys(spec.consumers ?? {}).length;
  if (consumers > 0 || spec.gateway.auth === 'none') return [];
  return [
    {
      code: 'auth-unspecified',
      message: 'no consumers are declared, so the gateway would be open to anyone who can reach it; declare consumers, or write `auth: none` to make that explicit',
      path: ['gateway'],
      atKey: true,
    },
  ];
};

export const authNoneWithConsumers: Check = ({ spec }) => {
  const consumers = Object.keys(spec.consumers ?? {}).length;
  if (consumers === 0 || spec.gateway.auth !== 'none') return [];
  return [
    {
      code: 'auth-none-with-consumers',
      message: `auth is "none" but ${consumers} consumer${consumers === 1 ? ' is' : 's are'} declared; their keys would never be checked`,
      path: ['gateway', 'auth'],
    },
  ];
};
