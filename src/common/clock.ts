import { Injectable } from '@nestjs/common';

/** The one source of "now", so tests can put the service at the exact second of a deadline. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
