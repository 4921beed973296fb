import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { bearerToken } from '../common/secrets';
import { RegistrationsService } from './registrations.service';

export interface ParticipantIdentity {
  id: string;
  event_id: string;
}

type ParticipantRequest = Request & { participant?: ParticipantIdentity };

/** Participant endpoints: `Authorization: Bearer <personal token from registration>`. */
@Injectable()
export class ParticipantGuard implements CanActivate {
  constructor(private readonly registrations: RegistrationsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ParticipantRequest>();
    const token = bearerToken(request.headers.authorization);
    const participant = token ? await this.registrations.authenticate(token) : null;
    if (!participant) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'A valid participant token is required (Authorization: Bearer <token>)');
    request.participant = participant;
    return true;
  }
}

export const CurrentParticipant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ParticipantIdentity => context.switchToHttp().getRequest<ParticipantRequest>().participant!,
);
