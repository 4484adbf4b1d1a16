import { HttpException } from '@nestjs/common';
import { KvWriteConflictError } from '@lienganh/platform';

/** Two secretariat officers changing one register entry at once: the second gets 409, nothing is half-written. */
export function refuseWriteConflict(error: unknown): void {
  if (error instanceof KvWriteConflictError) {
    throw new HttpException({ error: 'conflict', message: `Vừa có người khác thay đổi, hãy thử lại / changed by someone else meanwhile, retry: ${error.message}` }, 409);
  }
}
