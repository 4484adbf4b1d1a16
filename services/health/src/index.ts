export { healthReferralInbox, healthService } from './health.service.js';
