import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { startup } from './bootstrap';
import { WorkersService } from './queue/workers.service';

/**
 * The worker process: the same modules as the API, without HTTP. Scale by
 * starting more of these against the same Postgres and Redis.
 */
async function bootstrap(): Promise<void> {
  const { logger } = await startup();
  WorkersService.forceStart = true;
  const app = await NestFactory.createApplicationContext(AppModule, { logger });
  app.enableShutdownHooks();
  new Logger('Worker').log('Worker started; waiting for jobs');
}

void bootstrap();
