import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { expressErrorHandler, HttpErrorFilter } from './http-errors.js';

export interface HttpAppOptions {
  /** Largest accepted request body; larger ones get 413. */
  bodyLimit?: string;
  logger?: LoggerService | false;
  onUnexpectedError?: (error: unknown) => void;
}

/** JSON types an agency system may send: plain JSON, a structured CloudEvent, a batch. */
const JSON_TYPES = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'];

/**
 * A NestJS HTTP application with the edge every service needs: bounded JSON bodies,
 * errors as JSON without stack traces (also for bodies that fail to parse), no framework banner.
 */
export async function createHttpApp(module: unknown, options: HttpAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bodyParser: false,
    logger: options.logger ?? false,
  });
  app.disable('x-powered-by');
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', type: JSON_TYPES, strict: false }));
  app.use(expressErrorHandler(options.onUnexpectedError));
  app.useGlobalFilters(new HttpErrorFilter(options.onUnexpectedError));
  return app;
}
