import { Module } from '@nestjs/common';

/** The command side over HTTP: controllers, DTOs, guards and the wiring of the command bus. */
@Module({})
export class ApiModule {}
