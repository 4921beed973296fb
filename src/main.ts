import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, Env, loadEnv } from './config/env';

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
  const app = await NestFactory.create(AppModule, { logger: levelsFrom(env.LOG_LEVEL), bodyParser: false });
  configureApp(app);
  await app.listen(env.PORT);
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(`API ${base}/api · docs ${base}/docs · health ${base}/health`);
}

function levelsFrom(level: string): ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level as (typeof all)[number]) + 1);
}

void bootstrap();
