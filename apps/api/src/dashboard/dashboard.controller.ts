import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { loadDashboardFiles, type DashboardFile } from './dashboard-files.js';

/**
 * The read-only dashboard at `/app`: static HTML, ES modules and CSS, public because they hold no
 * data. The page asks for an API key and reads the query and audit routes with it, as any client.
 * Its Content-Security-Policy (scripts and styles from this origin only) is set with the other
 * security headers (http/request-hardening.ts).
 */
@ApiExcludeController()
@Controller('app')
@Public()
export class DashboardController {
  private readonly files: ReadonlyMap<string, DashboardFile> = loadDashboardFiles();

  @Get()
  index(@Res() res: FastifyReply): void {
    this.send(res, 'index.html');
  }

  @Get(':file')
  file(@Param('file') file: string, @Res() res: FastifyReply): void {
    this.send(res, file);
  }

  @Get(':folder/:file')
  nested(@Param('folder') folder: string, @Param('file') file: string, @Res() res: FastifyReply): void {
    this.send(res, `${folder}/${file}`);
  }

  private send(res: FastifyReply, name: string): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException({ code: 'NOT_FOUND', message: 'No such file in the dashboard' });
    res.code(200).type(file.contentType).send(file.body);
  }
}
