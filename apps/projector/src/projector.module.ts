import { Module } from '@nestjs/common';

/** Subscription → projections → read-model store; its own process in production. */
@Module({})
export class ProjectorModule {}
