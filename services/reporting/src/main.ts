import { runReportingServiceFromEnv } from './run-from-env.js';

await runReportingServiceFromEnv();
