import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const PRIORITY = 'How much the requester wants this meeting: 1 = normal (default), 2 = high, 3 = highest';

export class DirectoryQuery {
  @ApiPropertyOptional({ description: 'Participant type' }) @IsOptional() @IsString() @MaxLength(40) type?: string;
  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code' }) @IsOptional() @Transform(upper) @IsString() @MaxLength(2) country?: string;
  @ApiPropertyOptional({ description: 'One of the topics (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(80) topic?: string;
  @ApiPropertyOptional({ description: 'Searches name, organisation, profile and topics (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class CreateMeetingRequestDto {
  @ApiProperty({ description: 'Registration id of the participant to meet (from the directory)' })
  @IsUUID('all')
  participantId: string;

  @ApiPropertyOptional({ example: 'We are looking for a partner for optical inspection.', default: '' })
  @IsOptional() @IsString() @MaxLength(2000)
  message?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3, default: 1, description: PRIORITY })
  @IsOptional() @IsInt() @Min(1) @Max(3)
  priority?: number;
}

export class CreateMeetingDto {
  @ApiProperty({ description: 'Registration ids of the two participants', minItems: 2, maxItems: 2 })
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(2) @IsUUID('all', { each: true })
  participantIds: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 3, default: 1, description: PRIORITY })
  @IsOptional() @IsInt() @Min(1) @Max(3)
  priority?: number;
}

/** The organiser's review of a generated schedule: move, pin or cancel one meeting. */
export class UpdateMeetingDto {
  @ApiPropertyOptional({ description: 'Slot to move the meeting to (an unscheduled meeting needs slotId and table)' })
  @IsOptional() @IsUUID()
  slotId?: string;

  @ApiPropertyOptional({ description: 'Table number, 1..event.tables' })
  @IsOptional() @IsInt() @Min(1)
  table?: number;

  @ApiPropertyOptional({ description: 'A pinned meeting stays where it is in later schedule runs' })
  @IsOptional() @IsBoolean()
  pinned?: boolean;

  @ApiPropertyOptional({ enum: ['cancelled'] })
  @IsOptional() @IsIn(['cancelled'])
  status?: 'cancelled';
}
