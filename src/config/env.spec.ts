import 'reflect-metadata';
import { ConfigError, loadEnv } from './env';

describe('loadEnv', () => {
  it('has defaults that work on a developer machine', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined(); // embedded PGlite, see src/dev-services
    expect(env.MIGRATIONS_RUN).toBe(true);
    expect(env.PUBLIC_RATE_LIMIT).toBe(600);
  });

  it('reads and converts values', () => {
    const env = loadEnv({ PORT: '8080', MIGRATIONS_RUN: 'false', PUBLIC_RATE_LIMIT: '0' });
    expect(env).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false, PUBLIC_RATE_LIMIT: 0 });
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT .* \(got "abc"\)$/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
    [{ MIGRATIONS_RUN: 'maybe' }, /^Invalid configuration: MIGRATIONS_RUN /],
    [{ PUBLIC_RATE_LIMIT: '-1' }, /^Invalid configuration: PUBLIC_RATE_LIMIT /],
  ])('rejects %j with one line naming the variable', (source, message) => {
    expect(() => loadEnv(source)).toThrow(ConfigError);
    expect(() => loadEnv(source)).toThrow(message);
  });
});
