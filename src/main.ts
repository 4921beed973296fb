import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { startup } from './bootstrap';

async function bootstrap(): Promise<void> {
  const { env, logger } = await startup();
  const app = await NestFactory.create(AppModule, { logger, bodyParser: false });
  configureApp(app);
  await app.listen(env.PORT);
  const base = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const mailbox = env.SMTP_URL ? 'emails via SMTP' : `mailbox ${base}/mailbox`;
  new Logger('Bootstrap').log(`API ${base}/api · docs ${base}/docs · ${mailbox} · health ${base}/health`);
}

void bootstrap();
