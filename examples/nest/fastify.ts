/**
 * NestJS on Fastify with corsight in place of `app.enableCors()`: the corsight/fastify plugin, registered on
 * the Fastify instance Nest wraps, answers preflights in an `onRequest` hook (no OPTIONS route is added) and
 * decorates every other response.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import corsight from 'corsight/fastify';

export const policy = {
  origins: ['https://app.example.com', 'https://*.example.com'],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['content-type'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
};

@Controller('api')
class DataController {
  @Get('data')
  data() {
    return { hello: 'from nest-fastify' };
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

export async function build(): Promise<NestFastifyApplication> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's documented options literal
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.register(corsight, { policy }); // instead of app.enableCors(...)
  return app; // (await build()).listen({ port: 3000 })
}
