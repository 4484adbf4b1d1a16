import { runAgencyServiceFromEnv } from '@lienganh/platform';
import { healthService } from './health.service.js';

await runAgencyServiceFromEnv(healthService);
