import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

const codeByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

const INPUT_ERRORS: Record<string, string> = {
  '23502': 'A required value is missing',
  '23514': 'A value is out of range',
  '22001': 'A value is too long',
  '22P02': 'A value has the wrong format',
};

/** One JSON error shape for everything; never a stack trace, never a 500 for bad input. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      if (typeof raw === 'object' && raw !== null && 'code' in raw) return { status, body: raw as Record<string, unknown> };
      const message = typeof raw === 'string' ? raw : ((raw as { message?: unknown }).message ?? exception.message);
      return {
        status,
        body: { statusCode: status, code: codeByStatus[status] ?? 'error', message: Array.isArray(message) ? message.join('; ') : String(message) },
      };
    }
    // Input the DTOs let through but the schema refuses (e.g. null for a required field) is still bad input.
    const pgCode = (exception as { driverError?: { code?: string } })?.driverError?.code;
    if (exception instanceof QueryFailedError && pgCode && pgCode in INPUT_ERRORS) {
      const column = (exception as { driverError?: { column?: string } }).driverError?.column;
      const message = `${INPUT_ERRORS[pgCode]}${column ? `: ${column}` : ''}`;
      return { status: 400, body: { statusCode: 400, code: 'validation_failed', message, details: column ? { [column]: [message] } : {} } };
    }
    // body-parser errors (malformed JSON, too large) carry an HTTP status of their own
    const parserStatus = (exception as { status?: unknown; type?: unknown })?.status;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      const type = (exception as { type?: string }).type;
      const code = type === 'entity.parse.failed' ? 'invalid_json' : (codeByStatus[parserStatus] ?? 'bad_request');
      return { status: parserStatus, body: { statusCode: parserStatus, code, message: (exception as Error).message } };
    }
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { status, body: { statusCode: status, code: 'internal_error', message: 'Internal server error' } };
  }
}
