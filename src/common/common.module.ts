import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { IdempotencyStore } from './idempotency';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [Clock, IdempotencyStore, RateLimitGuard],
  exports: [Clock, IdempotencyStore, RateLimitGuard],
})
export class CommonModule {}
