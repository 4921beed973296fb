import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OrganisersModule } from '../organisers/organisers.module';
import { EmailsController } from './emails.controller';
import { MailboxController } from './mailbox.controller';
import { Mailer } from './mailer';
import { NotificationsProcessor } from './notifications.processor';
import { NotificationsService } from './notifications.service';
import { OutboxRepository } from './outbox.repository';

/** Email delivery from the transactional outbox. The rows are written by the changes that cause them. */
@Module({
  imports: [EventsModule, OrganisersModule],
  controllers: [EmailsController, MailboxController],
  providers: [Mailer, OutboxRepository, NotificationsService, NotificationsProcessor],
  exports: [NotificationsService, OutboxRepository],
})
export class NotificationsModule {}
