import { runAgencyServiceFromEnv } from '@lienganh/platform';
import { labourService } from './labour.service.js';

await runAgencyServiceFromEnv(labourService);
