import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/**
 * One JSON object per line (time, level, context, message, requestId), for
 * log shippers; LOG_FORMAT=pretty gives Nest's coloured lines for humans.
 */
export class JsonLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log', writeStreamType?: 'stdout' | 'stderr'): void {
    for (const message of messages) {
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level: logLevel, context };
      if (message instanceof Error) Object.assign(entry, { message: message.message, stack: message.stack });
      else if (typeof message === 'object' && message !== null) Object.assign(entry, message);
      else entry.message = String(message);
      const requestId = currentRequestId();
      if (requestId) entry.requestId = requestId;
      process[writeStreamType ?? (logLevel === 'error' ? 'stderr' : 'stdout')].write(JSON.stringify(entry) + '\n');
    }
  }

  protected override printStackTrace(stack: string): void {
    if (stack) process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', stack, requestId: currentRequestId() }) + '\n');
  }
}

export function logLevels(level: string): LogLevel[] {
  const all: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return all.slice(0, all.indexOf(level as LogLevel) + 1);
}
