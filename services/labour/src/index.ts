export { labourReferralInbox, labourService } from './labour.service.js';
