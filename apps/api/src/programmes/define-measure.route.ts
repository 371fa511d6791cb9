import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { FUNDS, type Fund } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class DefineMeasureDto {
  @IsEntityId('Chosen by the client, or generated')
  measureId?: string;

  @IsText('Short code, e.g. M1', 50)
  code!: string;

  @IsText('Title of the measure')
  title!: string;

  @ApiProperty({ enum: FUNDS })
  @IsIn(FUNDS)
  fund!: Fund;

  @IsCents('What the measure may spend from its fund, in euro cents')
  allocationCents!: number;

  @ApiPropertyOptional({ default: false, description: 'Touches health or social or economic hardship: its natural persons are never published, and shown only to the roles that act on them' })
  @IsOptional()
  @IsBoolean()
  sensitive?: boolean;
}

@ApiTags('programmes')
@ApiBearerAuth()
@Controller()
export class DefineMeasureRoute {
  constructor(private readonly commands: Commands) {}

  @Post('programmes/:programmeId/measures')
  @Roles('programme-manager')
  @CommandHeaders()
  define(@CommandRequest() context: CommandContext, @Param('programmeId', EntityIdPipe) programmeId: string, @Body() body: DefineMeasureDto) {
    const measureId = body.measureId ?? randomUUID();
    const { code, title, fund, allocationCents } = body;
    return this.commands.run(context, { type: 'DefineMeasure', programmeId, measureId, code, title, fund, allocationCents, sensitive: body.sensitive ?? false }, { programmeId, measureId });
  }
}
