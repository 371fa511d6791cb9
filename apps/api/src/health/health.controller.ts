import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { ApiProblems, ApiPublic } from '../http/api-docs.js';
import { HealthReports, notReady } from './health-reports.js';
import { Health, HealthUnavailableResponse, Liveness, Readiness } from './health.responses.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly reports: HealthReports) {}

  /**
   * The event store's state (reachable, where its log ends, how appends are made durable) and
   * each projection's: its checkpoint, how far behind the log it is, why it stopped if it did, and
   * what it is going through while it reconnects.
   */
  @Get()
  @Public()
  @ApiPublic({
    operationId: 'getHealth',
    summary: "The event store's and each projection's state",
    description: 'No key needed.',
  })
  @ApiResponse({
    status: 200,
    description:
      'The event store answers: `ok`, or `degraded` when a projection stopped or is reconnecting, the read models cannot be read, the disk of DATA_DIR is below HEALTH_MIN_FREE_DISK_BYTES or the last append failed for the store (`writes` says which)',
    type: Health,
  })
  @ApiResponse({ status: 503, description: 'The event store cannot be reached', type: HealthUnavailableResponse })
  @ApiProblems({ 400: true, 500: true })
  async health(@Res({ passthrough: true }) res: FastifyReply) {
    const report = await this.reports.report();
    if (report.status === 'unavailable') res.code(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  /**
   * Whether this process should be sent traffic: the stores answer, a write would land (free disk,
   * the last append not failed for the store) and every projection runs (or stands by for another process).
   */
  @Get('ready')
  @Public()
  @ApiPublic({
    operationId: 'getReadiness',
    summary: 'Whether this process is ready for traffic',
    description:
      'No key needed. For load balancers and orchestrators: 503 while a projection has failed or is reconnecting (its reads would be stale and read-your-writes would wait), the read models cannot be read, the event store cannot be reached, the filesystem of DATA_DIR has less free space than HEALTH_MIN_FREE_DISK_BYTES (`disk-low`; embedded stores only, checked at most once a second), or the last append failed for the store (`event-store-not-writable`: unavailable, disk full, I/O error) and no append or probe has landed since; 200 otherwise. `/health` says more.',
  })
  @ApiResponse({ status: 200, description: 'Ready: `reasons` is empty', type: Readiness })
  @ApiResponse({ status: 503, description: 'Not ready: `reasons` says why, one line each', type: Readiness })
  @ApiProblems({ 400: true, 500: true })
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const reasons = notReady(await this.reports.report());
    if (reasons.length > 0) res.code(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: reasons.length > 0 ? 'not-ready' : 'ready', reasons };
  }

  /** Whether the process answers at all: reads no store, so a store that is down does not get the process restarted. */
  @Get('live')
  @Public()
  @ApiPublic({
    operationId: 'getLiveness',
    summary: 'Whether the process answers',
    description: 'No key needed; reads no store. For orchestrators: restart the process when this does not answer.',
  })
  @ApiResponse({ status: 200, description: 'The process answers', type: Liveness })
  @ApiProblems({ 400: true, 500: true })
  live() {
    return { status: 'live' };
  }
}
