import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadEnv } from './config/env';
import { JsonLogger, logLevels } from './observability/json-logger';
import { WorkersService } from './queue/workers.service';

/**
 * The worker process: the same modules as the API, without HTTP. Scale by
 * starting more of these against the same Postgres and Redis.
 */
async function bootstrap(): Promise<void> {
  const env = (() => {
    try {
      return loadEnv();
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
  })();
  const levels = logLevels(env.LOG_LEVEL);
  WorkersService.forceStart = true;
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: env.LOG_FORMAT === 'json' ? new JsonLogger({ logLevels: levels }) : new ConsoleLogger({ logLevels: levels }),
  });
  app.enableShutdownHooks();
  new Logger('Worker').log('Worker started; waiting for jobs');
}

void bootstrap();
