import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics.controller';
import { NotificationsModule } from './notifications/notifications.module';
import { CalendarModule } from './calendar/calendar.module';
import { MeetingsModule } from './meetings/meetings.module';
import { OrganisersModule } from './organisers/organisers.module';
import { RedisModule } from './redis/redis.module';
import { QueueModule } from './queue/queue.module';
import { RegistrationsModule } from './registrations/registrations.module';
import { SchedulingModule } from './scheduling/scheduling.module';

@Module({
  imports: [ConfigModule, DatabaseModule, RedisModule, CommonModule, OrganisersModule, EventsModule, RegistrationsModule, MeetingsModule, QueueModule, SchedulingModule, NotificationsModule, CalendarModule],
  controllers: [HealthController, MetricsController],
})
export class AppModule {}
