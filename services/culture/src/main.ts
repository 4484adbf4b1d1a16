import { runAgencyServiceFromEnv } from '@lienganh/platform';
import { cultureService } from './culture.service.js';

await runAgencyServiceFromEnv(cultureService);
