/** cdk-nag AwsSolutions gate: every Plan shape synthesizes with no unacknowledged finding, errors or warnings. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { addSluiceStacks } from '../../infra/stack.ts';
import { createSluiceApp } from '../../infra/synthesize.ts';
import { testPlan } from '../support/plan.ts';
import { synthPlan, tempOutdir } from '../support/synth.ts';

interface Report {
  readonly pluginReports: { readonly violations?: { readonly ruleName: string }[] }[];
}

function violations(outdir: string): string[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
  return report.pluginReports.flatMap((p) => (p.violations ?? []).map((v) => v.ruleName));
}

const domain = {
  name: 'ai.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'example.com',
};

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['the env-agnostic fixture Plan', testPlan()],
    [
      'a Plan with region, domain, geo and a created web ACL',
      testPlan({
        gateway: { region: 'eu-west-1', account: '111122223333' },
        edge: { domain, geo: { mode: 'deny', countries: ['KP'] }, waf: { enabled: true, webAclArn: null, rateLimit: 500, managedRules: true } },
      }),
    ],
  ])('reports nothing for %s', (_name, plan) => {
    const synth = synthPlan(plan); // Template.fromStack throws ValidationFailed on any unacknowledged error
    expect(violations(synth.outdir)).toEqual([]);
  });

  it('fails synthesis on an unacknowledged error (an unencrypted-transport bucket added next to the gateway)', () => {
    const app = createSluiceApp(tempOutdir());
    const { gateway } = addSluiceStacks(app, testPlan());
    new s3.Bucket(gateway, 'Careless');
    expect(() => Template.fromStack(gateway)).toThrow(/AwsSolutions-S10/);
    expect(violations(app.outdir).sort()).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
  });

  it('fails synthesis on an unacknowledged warning too (a table without point-in-time recovery)', () => {
    const app = createSluiceApp(tempOutdir());
    const { gateway } = addSluiceStacks(app, testPlan());
    new dynamodb.Table(gateway, 'NoRecovery', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    expect(() => Template.fromStack(gateway)).toThrow(/AwsSolutions-DDB3/);
    expect(violations(app.outdir)).toEqual(['AwsSolutions-DDB3']);
  });
});
