import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { startupSettings } from './bootstrap';

async function bootstrap(): Promise<void> {
  const { env, logger } = startupSettings();
  const app = await NestFactory.create(AppModule, { logger, bodyParser: false });
  configureApp(app);
  await app.listen(env.PORT);
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  new Logger('Bootstrap').log(`API ${base}/api · docs ${base}/docs · health ${base}/health`);
}

void bootstrap();
