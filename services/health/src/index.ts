export { healthService } from './health.service.js';
