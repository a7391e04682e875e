/**
 * The catalog of every diagnostic code the compiler can emit: one place that fixes each
 * code's severity and explains it (docs/diagnostics.md is generated from this table).
 * @module
 */

/** How bad a diagnostic is: errors stop compilation, warnings do not. */
export type Severity = 'error' | 'warning';

/** One catalog entry. */
export interface CatalogEntry {
  readonly severity: Severity;
  /** One sentence: what the code means. */
  readonly summary: string;
  /** What to do about it. */
  readonly fix: string;
}

/** Every diagnostic code, with its default severity and documentation. */
export const CATALOG = {
  // --- parsing ------------------------------------------------------------------------
  'yaml-syntax': {
    severity: 'error',
    summary: 'The file is not valid YAML.',
    fix: 'Fix the YAML at the position shown; indentation and unclosed quotes are the usual causes.',
  },
  'yaml-duplicate-key': {
    severity: 'error',
    summary: 'A mapping has the same key twice; YAML would silently keep only one of them.',
    fix: 'Remove or rename one of the two keys.',
  },
  // --- schema -------------------------------------------------------------------------
  'unknown-key': {
    severity: 'error',
    summary: 'A key that the schema does not define (often a typo).',
    fix: 'Use one of the keys the schema lists at this place; the message suggests the closest one.',
  },
  'missing-key': {
    severity: 'error',
    summary: 'A required key is missing.',
    fix: 'Add the key named in the message.',
  },
  'wrong-type': {
    severity: 'error',
    summary: 'A value has the wrong type (for example a list where a mapping is expected).',
    fix: 'Write a value of the type named in the message.',
  },
  'invalid-value': {
    severity: 'error',
    summary: 'A value is not one of the values allowed at this place.',
    fix: 'Use one of the listed values; the message suggests the closest one.',
  },
  'invalid-format': {
    severity: 'error',
    summary: 'A string does not have the required form.',
    fix: 'Write the value in the form the message describes.',
  },
  'invalid-name': {
    severity: 'error',
    summary: 'A name is not lower-case letters, digits and dashes starting with a letter.',
    fix: 'Rename it, for example "team-search".',
  },
  'invalid-duration': {
    severity: 'error',
    summary: 'A duration is not a whole number followed by ms, s, m, h or d.',
    fix: 'Write durations like 250ms, 30s, 5m, 1h or 7d.',
  },
  'invalid-percent': {
    severity: 'error',
    summary: 'An alarm threshold is neither a percentage above 0 and at most 100 nor off.',
    fix: 'Write thresholds like 5%, 0.5% or 80% (at most two decimals), or off to turn the alarm off.',
  },
  'invalid-window': {
    severity: 'error',
    summary: 'A limit window is neither a duration nor day, week or month.',
    fix: 'Write windows like 1m, 1h, day, week or month.',
  },
  'invalid-target': {
    severity: 'error',
    summary: 'A strategy target is not of the form <provider>/<model>.',
    fix: 'Write targets like openai/gpt-4o-mini.',
  },
  'invalid-secret-ref': {
    severity: 'error',
    summary: 'A secret reference is neither a Secrets Manager secret name nor a full secret ARN.',
    fix: 'Write the secret name (sluice/openai) or its full ARN.',
  },
  'invalid-url': {
    severity: 'error',
    summary: 'A URL is not an http(s) URL without query, fragment or trailing slash.',
    fix: 'Write the URL like https://api.example.com/v1.',
  },
  'out-of-range': {
    severity: 'error',
    summary: 'A number, string or list is too small or too large.',
    fix: 'Use a value inside the range the message gives.',
  },
  'duplicate-item': {
    severity: 'error',
    summary: 'A list that must hold distinct values holds one twice.',
    fix: 'Remove the repeated item.',
  },
  'one-of-required': {
    severity: 'error',
    summary: 'An object needs one of several keys and has none of them.',
    fix: 'Add one of the keys named in the message.',
  },
  'conflicting-keys': {
    severity: 'error',
    summary: 'Two keys that exclude each other are both present.',
    fix: 'Keep only one of them.',
  },
  'unknown-provider-type': {
    severity: 'error',
    summary: 'A provider has a type that Sluice does not know.',
    fix: 'Use one of: openai, openai-compatible, azure-openai, anthropic, bedrock, gemini, mock.',
  },
  'secret-literal': {
    severity: 'error',
    summary: 'A credential is written as a literal value; keys must be references.',
    fix: 'Write { secret: <Secrets Manager name or ARN> } and/or { env: <VARIABLE> }, and rotate the key that was written here.',
  },
  'secret-in-spec': {
    severity: 'error',
    summary: 'A string in the spec looks like a real API key or access key.',
    fix: 'Remove it, keep the key in Secrets Manager or an environment variable, and rotate it.',
  },
  // --- meaning ------------------------------------------------------------------------
  'unknown-provider': {
    severity: 'error',
    summary: 'A reference names a provider that is not declared under providers.',
    fix: 'Declare the provider, or fix the name; the message suggests the closest one.',
  },
  'unknown-model': {
    severity: 'error',
    summary: "A target asks a provider for a model outside that provider's models list.",
    fix: "Add the model to the provider's models list, or fix the model name.",
  },
  'unknown-route': {
    severity: 'error',
    summary: 'A reference names a route that is not declared under routes.',
    fix: 'Declare the route, or fix the name; the message suggests the closest one.',
  },
  'unknown-consumer': {
    severity: 'error',
    summary: 'A reference names a consumer that is not declared under consumers.',
    fix: 'Declare the consumer, or fix the name; the message suggests the closest one.',
  },
  'unknown-stage': {
    severity: 'error',
    summary: 'The requested stage is not declared under gateway.stages.',
    fix: 'Declare the stage, or pass one of the declared stage names.',
  },
  'duplicate-alias': {
    severity: 'error',
    summary: 'Two routes claim the same model alias, so a request could not be routed.',
    fix: 'Give each alias to one route only.',
  },
  'duplicate-limit-name': {
    severity: 'error',
    summary: 'Two limits have the same name.',
    fix: 'Give every limit a distinct name.',
  },
  'duplicate-api-key': {
    severity: 'error',
    summary: 'The same API key (hash or secret) is listed twice, so a caller could not be identified.',
    fix: 'Give each consumer its own keys.',
  },
  'route-cycle': {
    severity: 'error',
    summary: 'A route uses itself through `route:` references.',
    fix: 'Break the cycle: a route may use other routes, never itself.',
  },
  'route-type-mismatch': {
    severity: 'error',
    summary: 'A route uses a route of another type (chat vs embeddings).',
    fix: 'Refer only to routes of the same type.',
  },
  'weight-not-positive': {
    severity: 'error',
    summary: 'A load-balance weight is zero or negative.',
    fix: 'Use a positive weight, or remove the child.',
  },
  'weight-outside-loadbalance': {
    severity: 'warning',
    summary: 'A weight is given on a node that is not a child of a loadbalance, where it has no effect.',
    fix: 'Remove the weight, or move the node into a loadbalance.',
  },
  'auth-unspecified': {
    severity: 'error',
    summary: 'The gateway declares no consumers but does not say `auth: none`, so it would be open by accident.',
    fix: 'Declare consumers with keys, or write `auth: none` under gateway to make the endpoint open on purpose.',
  },
  'auth-none-with-consumers': {
    severity: 'error',
    summary: 'The gateway says `auth: none` but declares consumers whose keys would never be checked.',
    fix: 'Remove `auth: none`, or remove the consumers.',
  },
  'scope-needs-auth': {
    severity: 'error',
    summary: 'A limit is scoped or selected by consumer, but the gateway has `auth: none`, so there are no consumers.',
    fix: 'Use another scope (ip, route, global, header:...), or turn on keys.',
  },
  'budget-unpriced': {
    severity: 'error',
    summary: 'A budget applies to a route that can reach a model with no price, so spend could not be counted.',
    fix: 'Add the models to `prices` (USD per million tokens).',
  },
  'embeddings-unsupported': {
    severity: 'error',
    summary: 'An embeddings route targets a provider type that has no embeddings API.',
    fix: 'Target openai, openai-compatible, azure-openai, bedrock, gemini or mock.',
  },
  'duration-out-of-range': {
    severity: 'error',
    summary: 'A duration is outside the range that this setting allows.',
    fix: 'Use a value inside the range the message gives.',
  },
  'deadline-below-timeout': {
    severity: 'warning',
    summary: 'A route deadline is shorter than its per-attempt timeout, so the timeout can never fire.',
    fix: 'Raise the deadline or lower the timeout.',
  },
  'window-invalid': {
    severity: 'error',
    summary: 'A limit window cannot be used that way (sliding calendar windows, windows under one second).',
    fix: 'Use a fixed calendar window or a sliding duration window of at least 1s.',
  },
  'regex-invalid': {
    severity: 'error',
    summary: 'A pattern is not a valid JavaScript regular expression.',
    fix: 'Fix the pattern; the message quotes the parser.',
  },
  'certificate-region': {
    severity: 'error',
    summary: 'CloudFront only uses ACM certificates from us-east-1.',
    fix: 'Request or import the certificate in us-east-1.',
  },
  'hosted-zone-incomplete': {
    severity: 'error',
    summary: 'A Route 53 alias needs both hosted_zone_id and hosted_zone_name.',
    fix: 'Give both, or neither.',
  },
  'waf-needs-region': {
    severity: 'error',
    summary: 'Creating a WAF web ACL means a us-east-1 stack referenced across regions, which needs an explicit gateway region.',
    fix: 'Set gateway.region (or the stage region), or give an existing web_acl_arn.',
  },
  'alert-topic-region': {
    severity: 'error',
    summary: 'CloudWatch alarms publish only to SNS topics in their own region, and alerts.topic_arn names a topic in another one.',
    fix: 'Use a topic in the gateway region, or leave topic_arn out so the stack creates one.',
  },
  'secret-field-without-secret': {
    severity: 'error',
    summary: '`field` picks a JSON field of a secret, but no `secret` is given.',
    fix: 'Add `secret`, or remove `field`.',
  },
  'credential-env-only': {
    severity: 'warning',
    summary: 'A provider key comes only from an environment variable, which the deployed Lambda does not have.',
    fix: 'Add a `secret` reference for deployments; `env` alone serves only `sluice dev`.',
  },
  'unused-provider': {
    severity: 'warning',
    summary: 'A provider is declared but no route reaches it.',
    fix: 'Remove it, or use it in a route.',
  },
  'key-expired': {
    severity: 'warning',
    summary: 'An API key has already expired; it will refuse every request.',
    fix: 'Remove the key, or move its expiry.',
  },
  'too-many-diagnostics': {
    severity: 'warning',
    summary: 'More diagnostics than are shown; the rest were left out.',
    fix: 'Fix the ones shown and run again.',
  },
} as const satisfies Record<string, CatalogEntry>;

/** A diagnostic code: a key of the catalog, so a typo does not compile. */
export type DiagnosticCode = keyof typeof CATALOG;

/** The catalog entry of a code. */
export function entryOf(code: DiagnosticCode): CatalogEntry {
  return CATALOG[code];
}

/** Every code, in catalog order. */
export const ALL_CODES = Object.keys(CATALOG) as DiagnosticCode[];
