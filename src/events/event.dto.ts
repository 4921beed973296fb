import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsTimeZone, Matches, Max, MaxLength,
  Min, MinLength, ValidateNested,
} from 'class-validator';

const DATE_TIME = 'ISO 8601 date-time; with an offset it is that instant, without one a wall-clock time in the event time zone';

export class SessionDto {
  @ApiProperty({ description: DATE_TIME, example: '2027-02-15T10:00:00+01:00' })
  @IsString()
  startsAt: string;

  @ApiProperty({ description: DATE_TIME, example: '2027-02-15T12:30:00+01:00' })
  @IsString()
  endsAt: string;
}

export class CreateEventDto {
  @ApiProperty({ example: 'Industrie-Innovationsdialog 2027' })
  @IsString() @MinLength(1) @MaxLength(200)
  title: string;

  @ApiProperty({ example: 'iid-2027', description: 'Public identifier in URLs: 3-64 lower-case letters, digits and hyphens' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, { message: 'slug must be 3-64 lower-case letters, digits and hyphens' })
  slug: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(10000)
  description?: string;

  @ApiPropertyOptional({ example: 'TU Ilmenau' })
  @IsOptional() @IsString() @MaxLength(500)
  venue?: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of the venue' })
  @IsTimeZone()
  timezone: string;

  @ApiProperty({ description: DATE_TIME }) @IsString() startsAt: string;
  @ApiProperty({ description: DATE_TIME }) @IsString() endsAt: string;
  @ApiProperty({ description: DATE_TIME }) @IsString() registrationOpensAt: string;
  @ApiProperty({ description: `${DATE_TIME}; registration is accepted up to and including this second` }) @IsString() registrationClosesAt: string;
  @ApiProperty({ description: DATE_TIME }) @IsString() meetingRequestsCloseAt: string;
  @ApiProperty({ description: DATE_TIME }) @IsString() cancellationClosesAt: string;

  @ApiPropertyOptional({ nullable: true, description: 'Confirmed seats; null or absent = unlimited' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  capacity?: number | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional() @IsBoolean()
  waitlist?: boolean;

  @ApiProperty({ example: ['company', 'research', 'startup'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { each: true, message: 'each participant type must be 1-40 lower-case letters, digits, "_" or "-"' })
  participantTypes: string[];

  @ApiProperty({ example: 20 }) @IsInt() @Min(5) @Max(240) meetingMinutes: number;
  @ApiPropertyOptional({ example: 5, default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(120) changeoverMinutes?: number;
  @ApiProperty({ example: 30 }) @IsInt() @Min(1) @Max(10_000) tables: number;

  @ApiPropertyOptional({
    example: [['startup', 'startup']], default: [],
    description: 'Pairs of participant types that may not meet (unordered); each type must be one of participantTypes',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(400)
  @IsArray({ each: true }) @ArrayMinSize(2, { each: true }) @ArrayMaxSize(2, { each: true })
  forbiddenTypePairs?: string[][];

  @ApiPropertyOptional({ nullable: true, example: 20, description: 'Open (pending or accepted) requests a participant may have sent; null = no cap' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  maxRequestsPerParticipant?: number | null;

  @ApiPropertyOptional({ nullable: true, example: 72, description: 'Hours after which an unanswered request expires; null = never' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  requestExpiryHours?: number | null;

  @ApiPropertyOptional({ example: 'brokerage@ihk-suedthueringen.de', description: 'Reply-To of emails and ORGANIZER of calendar invites' })
  @IsOptional() @IsEmail() @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({ enum: ['en', 'de'], default: 'en', description: 'Language of the emails' })
  @IsOptional() @IsIn(['en', 'de'])
  language?: 'en' | 'de';

  @ApiProperty({ type: [SessionDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => SessionDto)
  sessions: SessionDto[];
}

export class UpdateEventDto extends PartialType(CreateEventDto) {}
