import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { bearerToken } from '../common/secrets';
import { Organiser } from './organiser.entity';
import { OrganisersService } from './organisers.service';

type OrganiserRequest = Request & { organiser?: Organiser };

/** Organiser endpoints: `Authorization: Bearer <API key>`. */
@Injectable()
export class OrganiserGuard implements CanActivate {
  constructor(private readonly organisers: OrganisersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OrganiserRequest>();
    const key = bearerToken(request.headers.authorization);
    const organiser = key ? await this.organisers.findByApiKey(key) : null;
    if (!organiser) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', 'A valid organiser API key is required (Authorization: Bearer <key>)');
    request.organiser = organiser;
    return true;
  }
}

export const CurrentOrganiser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Organiser => context.switchToHttp().getRequest<OrganiserRequest>().organiser!,
);
