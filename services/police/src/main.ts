import { runAgencyServiceFromEnv } from '@lienganh/platform';
import { policeService } from './police.service.js';

await runAgencyServiceFromEnv(policeService);
