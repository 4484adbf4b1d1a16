import { activityHeld, taskCompleted, taskProgressReported } from './body-work.events.js';
import { reportSubmitted } from './shared.events.js';

/**
 * The reporting service's facts: what the bodies without a service of their own (Women's Union,
 * border guard, newspapers, Fatherland Front, People's Committees…) did. The body is the unit of
 * the event's `source` (`/pcmd/reporting/womens-union`), put there from its credentials.
 */
export const reportingActivityHeld = activityHeld('reporting');
export const reportingTaskProgressReported = taskProgressReported('reporting');
export const reportingTaskCompleted = taskCompleted('reporting');
export const reportingReportSubmitted = reportSubmitted('reporting');

export const reportingEvents = [reportingActivityHeld, reportingTaskProgressReported, reportingTaskCompleted, reportingReportSubmitted];
