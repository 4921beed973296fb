import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { REGISTRATION_STATUSES, RegistrationStatus } from './registration.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** Fields a participant may set at registration and change later. */
export class ParticipantProfileDto {
  @ApiProperty({ example: 'Dr. Anna Schmidt' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Fraunhofer IOF' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  organisation: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code' })
  @Transform(upper) @IsISO31661Alpha2()
  country: string;

  @ApiPropertyOptional({ example: 'Optical sensors for industrial inspection.' })
  @IsOptional() @IsString() @MaxLength(4000)
  profile?: string;

  @ApiPropertyOptional({ example: ['photonics', 'industry 4.0'] })
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ArrayUnique() @IsString({ each: true }) @MaxLength(80, { each: true }) @MinLength(1, { each: true })
  topics?: string[];

  @ApiPropertyOptional({ description: 'Slots (ids from the event) in which the participant cannot meet' })
  @IsOptional() @IsArray() @ArrayMaxSize(2000) @ArrayUnique() @IsUUID('all', { each: true })
  unavailableSlotIds?: string[];
}

export class CreateRegistrationDto extends ParticipantProfileDto {
  @ApiProperty({ example: 'anna.schmidt@example.org' })
  @Transform(trim) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'research', description: "One of the event's participant types" })
  @IsString() @MaxLength(40)
  participantType: string;
}

export class UpdateMeDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) organisation?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(upper) @IsISO31661Alpha2() country?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) profile?: string;
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(30) @ArrayUnique() @IsString({ each: true }) @MaxLength(80, { each: true }) topics?: string[];
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(2000) @ArrayUnique() @IsUUID('all', { each: true }) unavailableSlotIds?: string[];
  @ApiPropertyOptional({ nullable: true, description: 'Most meetings this participant takes; null = no limit' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  maxMeetings?: number | null;
}

export class UpdateRegistrationDto {
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES })
  @IsOptional() @IsIn(REGISTRATION_STATUSES)
  status?: RegistrationStatus;

  @ApiPropertyOptional({ nullable: true, description: 'Most meetings this participant takes; null = no limit' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  maxMeetings?: number | null;

  @ApiPropertyOptional({ description: 'Slots (ids from the event) in which the participant cannot meet' })
  @IsOptional() @IsArray() @ArrayMaxSize(2000) @ArrayUnique() @IsUUID('all', { each: true })
  unavailableSlotIds?: string[];
}

export class ListRegistrationsQuery {
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES }) @IsOptional() @IsIn(REGISTRATION_STATUSES) status?: RegistrationStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) participantType?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(upper) @IsString() @MaxLength(2) country?: string;
  @ApiPropertyOptional({ description: 'Searches name, organisation and email' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class CsvQuery {
  @ApiPropertyOptional({ enum: ['comma', 'semicolon'], description: 'semicolon suits Excel with a German or French locale' })
  @IsOptional() @IsIn(['comma', 'semicolon'])
  delimiter?: 'comma' | 'semicolon';
}
