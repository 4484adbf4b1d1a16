export { REPORTING_PORT, startReportingService, type ReportingServiceConfig, type RunningReportingService } from './reporting-service.js';
export { runReportingServiceFromEnv } from './run-from-env.js';
