import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Each test run gets its own database and Redis key prefix, so parallel runs
 * (two developers, CI and a developer) never collide.
 */
export default async function globalSetup(): Promise<void> {
  const admin = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `brokerage_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.TEST_DATABASE_NAME = name;
  process.env.REDIS_PREFIX = `test:${name}`;
  process.env.PUBLIC_RATE_LIMIT ??= '0';
}
