/**
 * NestJS on Express with corsight in place of `app.enableCors()`: the Express middleware, installed with
 * `app.use` before Nest registers its routes, answers preflights before routing and decorates every other
 * response, error responses included.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPolicy } from 'corsight';
import { cors } from 'corsight/express';

export const policy = createPolicy({
  origins: ['https://app.example.com', 'https://*.example.com'],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['content-type'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
});

@Controller('api')
class DataController {
  @Get('data')
  data() {
    return { hello: 'from nest-express' };
  }

  @Put('data')
  @HttpCode(204)
  update() {
    return undefined;
  }
}

@Module({ controllers: [DataController] })
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class carrying @Module metadata
class AppModule {}

export async function build(): Promise<NestExpressApplication> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's documented options literal
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
  app.use(cors(policy)); // instead of app.enableCors(...)
  return app; // (await build()).listen(3000)
}
