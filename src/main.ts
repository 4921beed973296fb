import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, Env, loadEnv } from './config/env';
import { JsonLogger, logLevels } from './observability/json-logger';

async function bootstrap(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const levels = logLevels(env.LOG_LEVEL);
  const logger = env.LOG_FORMAT === 'json' ? new JsonLogger({ logLevels: levels }) : new ConsoleLogger({ logLevels: levels });
  const app = await NestFactory.create(AppModule, { logger, bodyParser: false });
  configureApp(app);
  await app.listen(env.PORT);
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(`API ${base}/api · docs ${base}/docs · health ${base}/health`);
}

void bootstrap();
