/**
 * alert-topic-region, and `notify` next to `topic_arn` (conflicting-keys): where the
 * alarms of `alerts` can publish.
 * @module
 */
import type { Check } from './context.ts';

/** `notify` subscribes to the topic Sluice creates; with `topic_arn` none is created. */
export const alertTopicWithNotify: Check = ({ spec }) => {
  const a = spec.alerts;
  if (a?.topic_arn === undefined || (a.notify ?? []).length === 0) return [];
  return [
    {
      code: 'conflicting-keys',
      message: '"notify" subscribes to the topic Sluice creates, but "topic_arn" publishes to an existing one; manage that topic\'s subscriptions where it is owned, or drop topic_arn',
      path: ['alerts', 'notify'],
      atKey: true,
    },
  ];
};

/** An alarm action must be a topic of the alarm's region; decidable only when the spec names the region. */
export const alertTopicRegion: Check = ({ spec }) => {
  const arn = spec.alerts?.topic_arn;
  const region = spec.gateway.region;
  const topicRegion = arn?.split(':')[3];
  if (arn === undefined || region === undefined || topicRegion === region) return [];
  return [
    {
      code: 'alert-topic-region',
      message: `the topic is in ${topicRegion ?? 'an unknown region'} but the gateway deploys to ${region}; CloudWatch alarms publish only to topics in their own region`,
      path: ['alerts', 'topic_arn'],
    },
  ];
};
