/** Registers the cdk-nag AwsSolutions pack, so synthesis fails on any unacknowledged finding. */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Adds the AwsSolutions checks to `app` (acknowledgements live next to the resources they excuse). */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
