/**
 * `schedule:dzn FILE.dzn`: solve a b2bsp benchmark file and return JSON
 * {"meetings":[{"a":1,"b":38,"slot":12,"table":3},...],"breaks":N}
 * with participants and slots numbered as in the file.
 */
import { readFileSync } from 'fs';
import { parseDzn } from './dzn';
import { solve } from './index';
import type { SolveOptions } from './types';

export function scheduleDznCommand(file: string, options: SolveOptions = {}): string {
  const input = parseDzn(readFileSync(file, 'utf8'));
  const result = solve(input, options);
  const byId = new Map(input.meetings.map((m) => [m.id, m]));
  const meetings = result.placed
    .map((pl) => {
      const m = byId.get(pl.meetingId)!;
      return { a: Number(m.participantIds[0]), b: Number(m.participantIds[1]), slot: Number(pl.slotId), table: pl.table };
    })
    .sort((x, y) => x.slot - y.slot || x.table - y.table);
  const out: Record<string, unknown> = { meetings, breaks: result.figures.breaks };
  if (result.unplaced.length > 0) out.unplaced = result.unplaced;
  return JSON.stringify(out);
}
