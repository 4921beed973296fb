import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './common/exception.filter';
import { createValidationPipe } from './common/validation';
import { Env } from './config/env';
import { httpLog } from './observability/http-log';
import { mountQueueDashboard } from './observability/queue-dashboard';
import { requestContext } from './observability/request-context';

/** Everything main.ts and the end-to-end tests apply to the app alike. */
export function configureApp(app: INestApplication): INestApplication {
  const env = app.get(Env);
  const express = app as NestExpressApplication;
  express.set('trust proxy', env.TRUST_PROXY);
  express.disable('x-powered-by');
  express.use(requestContext);
  express.use(httpLog);
  express.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('brokerage')
      .setDescription('B2B matchmaking events: registration, meeting requests, schedules, emails and calendars.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  mountQueueDashboard(app);
  return app;
}
