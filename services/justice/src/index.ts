export { justiceService } from './justice.service.js';
