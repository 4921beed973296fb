import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobQueue } from './job-queue.service';
import { WorkersService } from './workers.service';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [JobQueue, WorkersService],
  exports: [JobQueue],
})
export class QueueModule {}
