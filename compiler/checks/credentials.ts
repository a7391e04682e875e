/**
 * secret-field-without-secret, credential-env-only: provider credentials that can work
 * where the gateway runs.
 * @module
 */
import type { Finding } from '../diagnostics/diagnostic.ts';
import type { CredentialSpec, Spec } from '../spec.ts';
import type { Check } from './context.ts';

function* credentials(spec: Spec): Generator<{ cred: CredentialSpec; path: (string | number)[]; provider: string }> {
  for (const [name, p] of Object.entries(spec.providers)) {
    if (p.api_key) yield { cred: p.api_key, path: ['providers', name, 'api_key'], provider: name };
  }
}

export const secretFieldWithoutSecret: Check = ({ spec }) => {
  const findings: Finding[] = [];
  for (const { cred, path } of credentials(spec)) {
    if (cred.field !== undefined && cred.secret === undefined) {
      findings.push({ code: 'secret-field-without-secret', message: '"field" selects a JSON field of a secret, but no "secret" is given', path: [...path, 'field'], atKey: true });
    }
  }
  return findings;
};

export const credentialEnvOnly: Check = ({ spec }) => {
  const findings: Finding[] = [];
  for (const { cred, path, provider } of credentials(spec)) {
    if (cred.secret === undefined && cred.env !== undefined) {
      findings.push({
        code: 'credential-env-only',
        message: `provider "${provider}" takes its key only from $${cred.env}, which the deployed Lambda does not have; add a secret reference`,
        path,
      });
    }
  }
  return findings;
};
