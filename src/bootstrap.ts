import { ConsoleLogger, LoggerService } from '@nestjs/common';
import { ConfigError, Env, loadEnv } from './config/env';
import { DevServiceError, DevServices, startDevServices } from './dev-services/dev-services';
import { JsonLogger, logLevels } from './observability/json-logger';

/**
 * What the API, the worker, the CLI and the demo all do first: read the
 * settings (or stop with one line), start the embedded database and Redis
 * when DATABASE_URL / REDIS_URL are unset, and pick the logger.
 */
export async function startup(): Promise<{ env: Env; logger: LoggerService; devServices: DevServices }> {
  let devServices: DevServices;
  try {
    loadEnv();
    devServices = await startDevServices();
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof DevServiceError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const env = loadEnv();
  const levels = logLevels(env.LOG_LEVEL);
  const logger = env.LOG_FORMAT === 'json' ? new JsonLogger({ logLevels: levels }) : new ConsoleLogger({ logLevels: levels });
  for (const note of devServices.notes) logger.log(note, 'DevServices');
  if (devServices.notes.length) stopOnSignal(devServices);
  return { env, logger, devServices };
}

/**
 * Nest's shutdown hooks close the app on SIGINT/SIGTERM and then send the
 * signal again once their listener is gone; only then (the pool is closed)
 * the embedded services stop, so PGlite closes its files cleanly.
 */
function stopOnSignal(devServices: DevServices): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const listener = () => {
      if (process.listenerCount(signal) > 1) return;
      void devServices.stop().finally(() => process.exit(0));
    };
    process.on(signal, listener);
  }
}
