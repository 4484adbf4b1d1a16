import { BadRequestException } from '@nestjs/common';
import { contractErrorMap, issuesFromZod } from '@lienganh/contracts';
import type { z } from 'zod';

/** Validates query parameters at the edge: a 400 naming each bad parameter, never a stack trace. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query, { error: contractErrorMap });
  if (result.success) return result.data;
  throw new BadRequestException({
    error: 'invalid-query',
    message: 'Tham số truy vấn không hợp lệ / invalid query parameters',
    issues: issuesFromZod(result.error, 'query'),
  });
}
