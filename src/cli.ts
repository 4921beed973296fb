import 'reflect-metadata';
import { INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config/config.module';
import { ConfigError } from './config/env';
import { DatabaseModule } from './database/database.module';
import { startDevServices } from './dev-services/dev-services';
import { createDemoEvent } from './demo/demo-event';
import { EventsModule } from './events/events.module';
import { runMigrations } from './database/migrator';
import { OrganisersModule } from './organisers/organisers.module';
import { OrganisersService } from './organisers/organisers.service';
import { RedisModule } from './redis/redis.module';

@Module({ imports: [ConfigModule, DatabaseModule, OrganisersModule] })
class CliModule {}

@Module({ imports: [ConfigModule, DatabaseModule, RedisModule, CommonModule, OrganisersModule, EventsModule] })
class SeedModule {}

const USAGE = `Usage: npm run cli -- <command>
  organiser:create --name "Name"   create an organiser; prints its API key on the last line
  migrate                          apply pending migrations from migrations/
  seed:demo [--participants 300] [--requests 2000]
                                   create a realistic two-day medtech brokerage event with
                                   participants and accepted meeting requests
  schedule:dzn FILE.dzn            schedule a b2bsp benchmark instance; prints JSON`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Without DATABASE_URL: the embedded database of a running `npm start`, or one started for this command. */
async function withDatabase<T>(work: (app: INestApplicationContext) => Promise<T>, module: Type = CliModule): Promise<T> {
  const devServices = await startDevServices();
  for (const note of devServices.notes) process.stderr.write(`${note}\n`);
  try {
    const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await devServices.stop();
  }
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case 'organiser:create': {
      const name = option(rest, '--name')?.trim();
      if (!name) throw new UsageError('organiser:create needs --name "Organiser name"');
      const { organiser, apiKey } = await withDatabase((app) => app.get(OrganisersService).create(name));
      process.stdout.write(`Created organiser "${organiser.name}" (${organiser.id}).\nAPI key (shown once, keep it safe):\n${apiKey}\n`);
      return;
    }
    case 'migrate': {
      const applied = await withDatabase((app) => runMigrations(app.get<DataSource>(getDataSourceToken())));
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
      return;
    }
    case 'seed:demo': {
      const participants = positiveInt(option(rest, '--participants') ?? '300', '--participants');
      const requests = positiveInt(option(rest, '--requests') ?? String(Math.round(participants * 6.7)), '--requests');
      const started = Date.now();
      const { apiKey, demo } = await withDatabase(async (app) => {
        const { organiser, apiKey } = await app.get(OrganisersService).create('MedTech Cluster Alliance (demo)');
        return { apiKey, demo: await createDemoEvent(app, organiser, { participants, requestsPerParticipant: requests / participants }) };
      }, SeedModule);
      process.stdout.write(
        `Created event "${demo.slug}" (${demo.eventId}) with ${demo.participants} participants and ${demo.meetings} accepted meeting requests in ${Date.now() - started} ms.\n` +
          `Participant tokens to try GET /api/me:\n${demo.sampleTokens.map((sample) => `  ${sample.name}: ${sample.token}`).join('\n')}\n` +
          `Organiser API key (shown once):\n${apiKey}\n`,
      );
      return;
    }
    case 'schedule:dzn': {
      if (!rest[0]) throw new UsageError('schedule:dzn needs a .dzn file');
      const { scheduleDznCommand } = await import('./scheduling/engine/dzn-command');
      process.stdout.write(scheduleDznCommand(rest[0]) + '\n');
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  }
}

class UsageError extends Error {}

function positiveInt(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${name} must be a positive whole number`);
  return number;
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`);
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
