import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigModule } from './config/config.module';
import { ConfigError } from './config/env';
import { DatabaseModule } from './database/database.module';
import { runMigrations } from './database/migrator';
import { OrganisersModule } from './organisers/organisers.module';
import { OrganisersService } from './organisers/organisers.service';

@Module({ imports: [ConfigModule, DatabaseModule, OrganisersModule] })
class CliModule {}

const USAGE = `Usage: npm run cli -- <command>
  organiser:create --name "Name"   create an organiser; prints its API key on the last line
  migrate                          apply pending migrations from migrations/
  schedule:dzn FILE.dzn            schedule a b2bsp benchmark instance; prints JSON`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function withDatabase<T>(work: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    return await work(app);
  } finally {
    await app.close();
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

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`);
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
