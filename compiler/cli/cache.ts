/**
 * `sluice cache purge [spec] --route R [--consumer C] [--table T [--region X] [--endpoint U]]`:
 * invalidates cached answers at once by raising a generation that every entry carries (no
 * scan). Without --table it works on `sluice dev`'s store (the running one, or its files).
 * @module
 */
import { purgeGeneration } from '../../runtime/policies/cache.ts';
import { devStorePath, readStoreAdvert, startEmbeddedDynamo } from '../../runtime/node/embedded-dynamodb.ts';
import { connectStore, type StoreConfig } from '../../runtime/store/dynamodb.ts';
import { parseCommandArgs, stringOption } from './args.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { DEFAULT_SPEC, loadPlan } from './load.ts';

const TIMEOUT_MS = 10_000;

/** Runs `cache <subcommand>`. */
export async function cacheCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'purge') throw new UsageError('cache: the only subcommand is "purge": sluice cache purge --route R [--consumer C]');
  const options = { route: { type: 'string' }, consumer: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' }, stage: { type: 'string' } } as const;
  const { values, positionals } = parseCommandArgs('cache purge', rest, options, 1);
  const route = stringOption(values, 'route') ?? null;
  const consumer = stringOption(values, 'consumer') ?? null;
  if (route === null && consumer === null) throw new UsageError('cache purge: give --route, --consumer, or both');
  const plan = loadPlan(io, positionals[0] ?? DEFAULT_SPEC, stringOption(values, 'stage'));
  if (!plan) return EXIT.findings;
  if (route !== null && !(route in plan.routes)) throw new UsageError(`cache purge: the spec has no route "${route}"`);
  if (consumer !== null && !(consumer in plan.consumers)) throw new UsageError(`cache purge: the spec has no consumer "${consumer}"`);
  const generation = purgeGeneration(route, consumer);
  const table = stringOption(values, 'table');
  const target = table !== undefined ? { tableName: table, ...regionAndEndpoint(values) } : null;
  const { value, where } = target ? { value: await bumpOn(target, generation), where: `table ${target.tableName}` } : await bumpOnDev(io.cwd, generation);
  const what = route !== null && consumer !== null ? `consumer ${consumer} on route ${route}` : route !== null ? `route ${route}` : `consumer ${consumer}`;
  io.stdout.write(`purged the cache of ${what} in ${where} (generation ${value})\n`);
  return EXIT.ok;
}

function regionAndEndpoint(values: Readonly<Record<string, string | boolean | undefined>>): { region?: string; endpoint?: string } {
  const region = stringOption(values, 'region');
  const endpoint = stringOption(values, 'endpoint');
  return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
}

async function bumpOn(config: StoreConfig, generation: string): Promise<number> {
  const { store, client } = await connectStore(config);
  try {
    return await store.bump(generation, TIMEOUT_MS);
  } catch {
    throw new UsageError(`cache purge: the table ${config.tableName} could not be updated (check the name, region and AWS credentials)`);
  } finally {
    client.destroy();
  }
}

/** The running dev store when one is advertised, else the store's files opened for the moment. */
async function bumpOnDev(cwd: string, generation: string): Promise<{ value: number; where: string }> {
  const advert = readStoreAdvert(cwd);
  if (advert) {
    const { EMBEDDED_DYNAMO_CREDENTIALS, EMBEDDED_DYNAMO_REGION } = await import('../../runtime/node/embedded-dynamodb.ts');
    const value = await bumpOn({ tableName: advert.tableName, endpoint: advert.endpoint, region: EMBEDDED_DYNAMO_REGION, credentials: EMBEDDED_DYNAMO_CREDENTIALS }, generation);
    return { value, where: 'the running sluice dev' };
  }
  const embedded = await startEmbeddedDynamo({ path: devStorePath(cwd) });
  try {
    return { value: await bumpOn(embedded, generation), where: 'the sluice dev store (.sluice/dynamodb)' };
  } finally {
    await embedded.close();
  }
}
