import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthController } from './health/health.controller';
import { OrganisersModule } from './organisers/organisers.module';
import { RedisModule } from './redis/redis.module';
import { RegistrationsModule } from './registrations/registrations.module';

@Module({
  imports: [ConfigModule, DatabaseModule, RedisModule, CommonModule, OrganisersModule, EventsModule, RegistrationsModule],
  controllers: [HealthController],
})
export class AppModule {}
