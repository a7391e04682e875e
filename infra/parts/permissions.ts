/** Least-privilege IAM statements derived from the Plan: Bedrock models the routes reach, and referenced secrets. */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Plan } from '../../runtime/plan.ts';

/** Actions Converse (InvokeModel) and ConverseStream (InvokeModelWithResponseStream) need. */
export const BEDROCK_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

/** Geography prefixes of system-defined cross-region inference profile ids (`us.anthropic…`). */
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/** One Bedrock model a route can reach: the model id as written and the region it is called in (null: the stack's). */
export interface BedrockTarget {
  readonly model: string;
  readonly region: string | null;
}

/** The Bedrock targets of every route, deduplicated and sorted (region, then model). */
export function bedrockTargets(plan: Plan): BedrockTarget[] {
  const seen = new Map<string, BedrockTarget>();
  for (const route of Object.values(plan.routes)) {
    for (const target of route.targets) {
      const slash = target.indexOf('/');
      const provider = plan.providers[target.slice(0, slash)];
      if (provider?.type !== 'bedrock') continue;
      const found: BedrockTarget = { model: target.slice(slash + 1), region: provider.region };
      seen.set(`${found.region ?? ''} ${found.model}`, found);
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
}

/** Bedrock statements and the wildcard-region foundation-model ARNs among them (which cdk-nag IAM5 reports). */
export interface BedrockGrant {
  readonly statements: iam.PolicyStatement[];
  /** Resource strings with a `*` region, in the form cdk-nag prints them (for exact acknowledgements). */
  readonly wildcardFindings: string[];
}

/**
 * Statements allowing the Bedrock invoke actions on exactly the models of `plan`:
 * a plain model id → its foundation-model ARN; an inference profile id (`us.…`) → the profile ARN, plus the
 * foundation model in every region, usable only through that profile (`bedrock:InferenceProfileArn` condition);
 * a full ARN → itself.
 */
export function bedrockGrant(stack: Stack, plan: Plan): BedrockGrant {
  const direct: string[] = [];
  const statements: iam.PolicyStatement[] = [];
  const wildcardFindings: string[] = [];
  const partition = stack.partition;
  const shownPartition = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
  for (const { model, region } of bedrockTargets(plan)) {
    const where = region ?? stack.region;
    if (model.startsWith('arn:')) {
      direct.push(model);
      continue;
    }
    if (!PROFILE_PREFIX.test(model)) {
      direct.push(`arn:${partition}:bedrock:${where}::foundation-model/${model}`);
      continue;
    }
    const profileArn = `arn:${partition}:bedrock:${where}:${stack.account}:inference-profile/${model}`;
    direct.push(profileArn);
    const base = model.replace(PROFILE_PREFIX, '');
    // Global profiles route to region-less foundation-model ARNs as well.
    const regions = model.startsWith('global.') ? ['*', ''] : ['*'];
    const resources = regions.map((r) => `arn:${partition}:bedrock:${r}::foundation-model/${base}`);
    wildcardFindings.push(`arn:${shownPartition}:bedrock:*::foundation-model/${base}`);
    statements.push(
      new iam.PolicyStatement({
        actions: [...BEDROCK_ACTIONS],
        resources,
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      }),
    );
  }
  if (direct.length > 0) statements.unshift(new iam.PolicyStatement({ actions: [...BEDROCK_ACTIONS], resources: direct }));
  return { statements, wildcardFindings };
}

/**
 * ARNs for the secrets of `plan.secrets`: full ARNs as given; names as `…:secret:<name>-??????`,
 * the six-character suffix Secrets Manager appends (the pattern `Secret.fromSecretNameV2` grants on).
 */
export function secretArns(stack: Stack, secrets: readonly string[]): string[] {
  return [...new Set(secrets)]
    .sort()
    .map((secret) =>
      secret.startsWith('arn:')
        ? secret
        : `arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${secret}-??????`,
    );
}
