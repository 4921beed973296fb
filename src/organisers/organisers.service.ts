import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hashSecret, newSecret } from '../common/secrets';
import { Organiser } from './organiser.entity';

@Injectable()
export class OrganisersService {
  constructor(@InjectRepository(Organiser) private readonly organisers: Repository<Organiser>) {}

  /** Returns the new organiser and its API key; only the key's hash is stored, so this is the one chance to see it. */
  async create(name: string): Promise<{ organiser: Organiser; apiKey: string }> {
    const apiKey = newSecret('org');
    const organiser = await this.organisers.save(this.organisers.create({ name, apiKeyHash: hashSecret(apiKey) }));
    return { organiser, apiKey };
  }

  findByApiKey(apiKey: string): Promise<Organiser | null> {
    return this.organisers.findOneBy({ apiKeyHash: hashSecret(apiKey) });
  }
}
