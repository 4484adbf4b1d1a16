export { policeService } from './police.service.js';
