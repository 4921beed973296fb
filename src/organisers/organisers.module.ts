import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organiser } from './organiser.entity';
import { OrganiserGuard } from './organiser.guard';
import { OrganisersService } from './organisers.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organiser])],
  providers: [OrganisersService, OrganiserGuard],
  exports: [OrganisersService, OrganiserGuard],
})
export class OrganisersModule {}
