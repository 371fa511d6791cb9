import { BadRequestException, Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmptyObject,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import type { CommandContext } from '@app/commands';
import {
  APPLICANT_TYPES,
  NUTS2,
  PERSONAL_TAX_CODE,
  isNaturalPerson,
  type Applicant,
  type ApplicantType,
} from '@app/funding';
import { PERSONAL_DATA_VAULT, type PersonalDataVault } from '@app/personal-data';
import { Roles } from '../auth/roles.decorator.js';
import { Commands, WriteResult } from '../commands/commands.js';
import { ApiCommand } from '../http/api-docs.js';
import { CommandRequest, generatedId } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';
import { IsCents, IsEntityId, IsText } from '../http/field-rules.js';
import { Id } from '../http/response-fields.js';

export class ContactDto {
  @ApiPropertyOptional({ format: 'email' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @IsText('Phone number', 40, true)
  phone?: string;
}

export class ApplicantDto {
  @ApiProperty({
    enum: APPLICANT_TYPES,
    description:
      'natural-person: an individual; a sole trader of another type is one too when known by a 16-character codice fiscale',
  })
  @IsIn(APPLICANT_TYPES)
  type!: ApplicantType;

  @IsText("Codice fiscale or partita IVA. A natural person's goes to the personal-data vault, never into the log", 32)
  taxCode!: string;

  @IsText("Name of the applicant. A natural person's goes to the personal-data vault, never into the log", 300)
  name!: string;

  @ApiPropertyOptional({
    pattern: NUTS2.source,
    example: 'ITC1',
    description: 'NUTS 2 region of a natural person (required for one): what the public list shows of them',
  })
  @IsOptional()
  @Matches(NUTS2, { message: '$property must be a NUTS 2 code such as ITC1' })
  region?: string;

  @ApiPropertyOptional({ type: ContactDto, description: "A natural person's contact data: kept in the vault only" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;
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

  @IsCents('The amount requested, in integer euro cents')
  requestedCents!: number;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Tax codes of the undertakings linked to the applicant (Reg. 2023/2831 art. 2(2)): with it, one single undertaking for de minimis',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[A-Za-z0-9]{11,16}$/, {
    each: true,
    message: 'each of $property must be a partita IVA or a codice fiscale',
  })
  linkedUndertakings?: string[];
}

export class SubmitBidResponse extends WriteResult {
  @Id('The bid: the one given, or a generated UUID', { example: 'officine-nido' })
  bidId!: string;

  @Id('The call', { example: 'm4-welfare-aziendale' })
  callId!: string;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class SubmitBidRoute {
  constructor(
    private readonly commands: Commands,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  @Post('calls/:callId/bids')
  @Roles('applicant-service')
  @ApiCommand({
    operationId: 'submitBid',
    summary: 'Submit a bid on an open call',
    description:
      "A natural person's identity goes to the personal-data vault, never into the log: the bid names them by a subject id and their NUTS 2 region (`applicant.region`, required for them). The amount requested is in integer euro cents.",
    status: 201,
    type: SubmitBidResponse,
    body: {
      type: SubmitBidDto,
      summary: 'A company bids EUR 150k',
      example: {
        bidId: 'officine-nido',
        applicant: { type: 'company', taxCode: '01234567890', name: 'Officine Riunite Srl' },
        projectTitle: 'Nido aziendale condiviso',
        requestedCents: 15_000_000,
      },
    },
    example: { bidId: 'officine-nido', callId: 'm4-welfare-aziendale', revision: 0, position: '9' },
    problems: {
      404: 'CALL_NOT_FOUND.',
      409: 'BID_ALREADY_EXISTS: the bid id is taken.',
      422: 'CALL_NOT_OPEN, APPLICANT_NOT_ELIGIBLE, REQUEST_EXCEEDS_CAP, INVALID_INPUT.',
    },
  })
  async submit(
    @CommandRequest() context: CommandContext,
    @Param('callId', EntityIdPipe) callId: string,
    @Body() body: SubmitBidDto,
  ) {
    const bidId = body.bidId ?? generatedId(context, 'bid');
    const applicant = await this.applicant(body.applicant);
    const linkedUndertakings = await Promise.all(
      (body.linkedUndertakings ?? []).map((taxCode) => this.undertaking(taxCode)),
    );
    return this.commands.run(
      context,
      {
        type: 'SubmitBid',
        bidId,
        callId,
        submittedBy: context.actor,
        applicant,
        linkedUndertakings,
        projectTitle: body.projectTitle,
        requestedCents: body.requestedCents,
      },
      { bidId, callId },
    );
  }

  /** An undertaking's key: a company's tax code; a natural person's subject id (their code goes to the vault, never into the log). */
  private async undertaking(taxCode: string): Promise<string> {
    if (!PERSONAL_TAX_CODE.test(taxCode)) return taxCode.toUpperCase();
    return (await this.vault.register({ taxCode, name: '' })).subjectId;
  }

  /** A legal person as given; a natural person's identity into the vault, and the bid names their subject id only. */
  private async applicant({ type, taxCode, name, region, contact }: ApplicantDto): Promise<Applicant> {
    if (!isNaturalPerson(type, taxCode)) return { kind: 'legal-person', type, taxCode, name };
    if (region === undefined) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'A natural person applicant needs applicant.region (NUTS 2, e.g. ITC1)',
        errors: [{ field: 'applicant.region', problems: ['required for a natural person'] }],
      });
    }
    const { subjectId } = await this.vault.register({ taxCode, name, contact: contact ? { ...contact } : null });
    return { kind: 'natural-person', type, subjectId, region };
  }
}
