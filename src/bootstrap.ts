import { ConsoleLogger, LoggerService } from '@nestjs/common';
import { ConfigError, Env, loadEnv } from './config/env';
import { JsonLogger, logLevels } from './observability/json-logger';

/** What the API and the worker process both do first: read the settings (or stop with one line) and pick the logger. */
export function startupSettings(): { env: Env; logger: LoggerService } {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const levels = logLevels(env.LOG_LEVEL);
  const logger = env.LOG_FORMAT === 'json' ? new JsonLogger({ logLevels: levels }) : new ConsoleLogger({ logLevels: levels });
  return { env, logger };
}
