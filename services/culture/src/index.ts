export { cultureService } from './culture.service.js';
