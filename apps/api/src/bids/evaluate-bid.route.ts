import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CommandContext } from '@app/commands';
import { Roles } from '../auth/roles.decorator.js';
import { Commands } from '../commands/commands.js';
import { CommandHeaders, CommandRequest } from '../http/command-request.js';
import { EntityIdPipe } from '../http/entity-id.pipe.js';

export class EvaluateBidDto {
  @ApiProperty()
  @IsBoolean()
  admissible!: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, description: 'Required for an admissible bid' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;
}

@ApiTags('bids')
@ApiBearerAuth()
@Controller()
export class EvaluateBidRoute {
  constructor(private readonly commands: Commands) {}

  @Post('bids/:bidId/evaluation')
  @HttpCode(200)
  @Roles('evaluator')
  @CommandHeaders()
  evaluate(@CommandRequest() context: CommandContext, @Param('bidId', EntityIdPipe) bidId: string, @Body() body: EvaluateBidDto) {
    return this.commands.run(context, { type: 'EvaluateBid', bidId, admissible: body.admissible, score: body.score ?? null, evaluatedBy: context.actor }, { bidId });
  }
}
