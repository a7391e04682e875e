/** Loads recorded API Gateway REST proxy events from `test/runtime/fixtures/`. */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Names of the recorded events. */
export type EventFixture =
  | 'healthz-get'
  | 'models-get'
  | 'chat-completions-post'
  | 'unknown-path-get'
  | 'root-get'
  | 'direct-execute-api-get';

/** Origin-verify value the recorded CloudFront events carry. */
export const FIXTURE_ORIGIN_SECRET = 'test-origin-secret-value';

/** A fresh copy of a recorded event (tests may mutate it). */
export function loadEvent(name: EventFixture): APIGatewayProxyEvent {
  const url = new URL(`../runtime/fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as APIGatewayProxyEvent;
}
