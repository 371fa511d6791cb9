import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ENTITY_ID, quoted } from './field-rules.js';

/** Ids in paths follow the same rule as ids in bodies: a UUID or a slug. */
@Injectable()
export class EntityIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !ENTITY_ID.test(value)) {
      throw new BadRequestException({
        code: 'INVALID_ID',
        message: `${quoted(value)} is not a valid id (a UUID or a slug of letters, digits, "-" and "_")`,
      });
    }
    return value;
  }
}

/** Routes that take no body refuse any field sent anyway (forbidNonWhitelisted). */
export class NoBodyDto {}
