import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** Every setting the service reads, from environment variables, validated once at start. */
export class Env {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** Unset: the entry points start an embedded PostgreSQL (src/dev-services) and set it before the app reads it. */
  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(500)
  DATABASE_POOL_SIZE = 20;

  @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsString() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespace for every Redis key, so several deployments or test runs can share one Redis. */
  @IsString() @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 characters of letters, digits, ":", "_" or "-"' })
  REDIS_PREFIX = 'brokerage';

  /** Also run the queue workers inside the API process (small setups); `npm run start:worker` runs them alone. */
  @Transform(toBool) @IsBoolean()
  WORKER_IN_PROCESS = true;

  /** Jobs one worker process runs at once. */
  @Transform(toInt) @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 1;

  /** Emails one worker process sends at once (SMTP is I/O-bound; with SMTP_URL, connections are pooled). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  EMAIL_CONCURRENCY = 8;

  /** A job whose worker stops renewing its lock for this long (crash, kill) is handed to another worker. */
  @Transform(toInt) @IsInt() @Min(1000)
  JOB_LOCK_MS = 30000;

  /** Tries per job before it is marked failed; retries back off exponentially from JOB_BACKOFF_MS. */
  @Transform(toInt) @IsInt() @Min(1) @Max(20)
  JOB_ATTEMPTS = 3;

  @Transform(toInt) @IsInt() @Min(100)
  JOB_BACKOFF_MS = 2000;

  /** Requests per minute and client IP on public endpoints; 0 turns the limit off. */
  @Transform(toInt) @IsInt() @Min(0)
  PUBLIC_RATE_LIMIT = 600;

  /** Honour X-Forwarded-For (set when running behind a reverse proxy). */
  @Transform(toBool) @IsBoolean()
  TRUST_PROXY = false;

  @IsString() @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL = 'log';

  /**
   * Derives participants' personal and calendar-feed links (so emails can carry
   * them without the database ever holding them). Set your own in production.
   */
  @IsString() @MinLength(32, { message: 'must be at least 32 characters' })
  APP_SECRET = 'development-only-secret-set-APP_SECRET-in-production';

  /** Opens the operators' queue dashboard at /admin/queues to holders of this token; unset: no dashboard. */
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  /** smtp://user:pass@host:port; unset: emails are written as .eml files to MAILBOX_DIR instead. */
  @IsOptional() @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString() @IsEmail({ allow_display_name: false, require_tld: false }, { message: 'must be an email address' })
  SMTP_FROM = 'no-reply@brokerage.localhost';

  @IsString()
  MAILBOX_DIR = 'data/outbox';

  /** How often workers look for emails to send (the outbox is the source of truth, the queue only delivers). */
  @Transform(toInt) @IsInt() @Min(50)
  OUTBOX_POLL_MS = 1000;

  /** json: one object per line with a request id (for log shippers); pretty: for humans. */
  @IsIn(['json', 'pretty'])
  LOG_FORMAT = 'json';
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError with one line naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.keys(new Env());
  const given = Object.fromEntries(known.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
  const env = Object.assign(new Env(), plainToInstance(Env, given));
  const [error] = validateSync(env, { forbidUnknownValues: false });
  if (error) {
    // class-validator lists constraints last-declared first; the first-declared (the type check) reads best
    const reason = Object.values(error.constraints ?? {}).pop()?.replace(`${error.property} `, '') ?? 'is invalid';
    throw new ConfigError(`Invalid configuration: ${error.property} ${reason} (got ${JSON.stringify(source[error.property])})`);
  }
  return env;
}
