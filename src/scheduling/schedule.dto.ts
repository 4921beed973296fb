import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class CreateScheduleRunDto {
  @ApiPropertyOptional({ default: 5000, description: 'Wall-clock budget of the engine (bound, search, tables), in ms' })
  @IsOptional() @IsInt() @Min(100) @Max(600000)
  timeBudgetMs?: number;

  @ApiPropertyOptional({ default: 1, description: 'Same data and seed give the same schedule' })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 31 - 1)
  seed?: number;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'At most this many meetings of the current schedule move to close the gaps left by changes (0: none). Default: as many as the changes since that schedule removed (cancelled meetings, people no longer confirmed). Meetings whose place no longer fits move regardless',
  })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  maxMoves?: number;
}

export class ScheduleQuery {
  @ApiPropertyOptional({ enum: ['list', 'grid', 'participants'], default: 'list', description: 'grid adds slots × tables; participants adds each person\'s agenda' })
  @IsOptional() @IsIn(['list', 'grid', 'participants'])
  view?: 'list' | 'grid' | 'participants';
}
