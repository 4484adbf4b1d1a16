import { STOP_DEADLINE_MS, stopDeadlineMs } from '../src/index.js';

describe('stop deadline', () => {
  it('is 8 s unless LIENGANH_STOP_DEADLINE_MS gives a positive whole number of ms', () => {
    expect(stopDeadlineMs({})).toBe(STOP_DEADLINE_MS);
    expect(stopDeadlineMs({ LIENGANH_STOP_DEADLINE_MS: '30000' })).toBe(30_000);
    for (const value of ['', '0', '-5', '2.5', 'soon']) expect(stopDeadlineMs({ LIENGANH_STOP_DEADLINE_MS: value })).toBe(STOP_DEADLINE_MS);
  });
});
