import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * An error with a stable machine code: the code is part of the API, the
 * message is for humans. Every error response has the shape
 * { statusCode, code, message, details? }.
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super({ statusCode: status, code, message, ...(details ? { details } : {}) }, status);
  }

  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`);
  }

  static conflict(code: string, message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, message);
  }

  static validation(details: Record<string, string[]>): ApiError {
    const fields = Object.keys(details).join(', ');
    return new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `Invalid input: ${fields}`, details);
  }
}
