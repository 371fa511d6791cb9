import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmptyObject, ValidateNested } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { APPLICANT_TYPES, type ApplicantType } from '@app/funding';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';

export class ApplicantDto {
  @ApiProperty({ enum: APPLICANT_TYPES })
  @IsIn(APPLICANT_TYPES)
  type!: ApplicantType;

  @IsText('Codice fiscale or partita IVA', 32)
  taxCode!: string;

  @IsText('Name of the applicant', 300)
  name!: string;
}

export class SubmitBidDto {
  @IsEntityId('Chosen by the client, or generated')
  bidId?: string;

  @ApiProperty({ type: ApplicantDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant!: ApplicantDto;

  @IsText('Title of the project')
  projectTitle!: string;

  @IsCents('The amount requested, in euro cents')
  requestedCents!: number;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class SubmitBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('calls/:callId/bids')
  @Roles('applicant-service')
  @CommandHeaders()
  submit(@CommandRequest() context: CommandContext, @Param('callId', EntityIdPipe) callId: string, @Body() body: SubmitBidDto) {
    const bidId = body.bidId ?? randomUUID();
    const { type, taxCode, name } = body.applicant;
    return this.commands.run(
      context,
      { type: 'SubmitBid', bidId, callId, submittedBy: context.actor, applicant: { type, taxCode, name }, projectTitle: body.projectTitle, requestedCents: body.requestedCents },
      { bidId, callId },
    );
  }
}
