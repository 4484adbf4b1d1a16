export { labourService } from './labour.service.js';
