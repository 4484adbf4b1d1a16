import { runAgencyServiceFromEnv } from '@lienganh/platform';
import { justiceService } from './justice.service.js';

await runAgencyServiceFromEnv(justiceService);
