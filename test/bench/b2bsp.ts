/**
 * What the b2bsp benches share: the published optima, where the instances are
 * (../shared/benchmarks/b2bsp, read in place) and the parsing of their settings.
 */
import * as path from 'path';

/** Published optimal breaks (Bofill et al., JAIR 2022, Table 3). */
export const OPTIMA: Record<string, number> = {
  'forum-13': 0,
  'forum-13crafb': 6,
  'forum-13crafc': 1,
  'forum-14': 2,
  'forumt-14': 5,
  'forumt-14crafc': 5,
  'forumt-14crafd': 4,
  'forumt-14crafe': 5,
  'tic-12': 0,
  'tic-12crafc': 0,
  'tic-13': 0,
  'tic-13crafb': 0,
  'tic-13crafc': 4,
  'tic-14crafa': 0,
  'tic-14crafc': 0,
  'tic-14crafd': 0,
  'ticf-13crafa': 0,
  'ticf-13crafb': 3,
  'ticf-13crafc': 1,
  'ticf-14crafa': 0,
};

export const B2BSP_DIR = path.resolve(__dirname, '../../../shared/benchmarks/b2bsp');

/** Bad settings stop the bench with one line naming the variable (no stack trace). */
export function fail(bench: string, message: string): never {
  console.error(`${bench}: ${message}`);
  process.exit(2);
}

/** A whole number >= min from the environment, or undefined when unset; anything else stops the bench with the variable's name. */
export function envInt(bench: string, name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) fail(bench, `${name}: expected a whole number >= ${min}, got "${raw}"`);
  return Number(raw);
}

/** BENCH_SEEDS-style "3-7" or "1,4,9" -> seeds; undefined when unset. */
export function parseSeeds(bench: string, spec: string | undefined): number[] | undefined {
  if (!spec) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(spec);
  const list = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i)
    : spec.split(',').map(Number);
  if (list.length === 0 || list.some((x) => !Number.isInteger(x) || x < 0)) fail(bench, `BENCH_SEEDS: expected a-b or a,b,c, got "${spec}"`);
  return list;
}
