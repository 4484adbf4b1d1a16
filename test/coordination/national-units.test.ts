import { NationalUnits, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue #24, the registry of administrative units: the whole country ships with the project
 * (data/administrative-units) and coordination serves it as of a date: 63 provinces before the
 * July 2025 reform, 34 after; an old ward lists the wards it went into, `partial` where it was split.
 */

let nats: NatsFixture;
let coordination: RunningCoordinationService;
const units = NationalUnits.load();

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS, units, clock: { now: () => new Date('2026-12-05T20:00:00Z') } });
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

const areas = (query: string, token = tokens.committee) => getAs(`${coordination.url}/api/v1/areas${query}`, token);

it('lists 34 provinces on 2026-01-01 and 63 on 2025-01-01, with the list each comes from', async () => {
  const after = await areas('?level=province&at=2026-01-01');
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ at: '2026-01-01', list: '2025-07-01', count: 34 });
  expect(after.body.areas).toContainEqual({ code: '92', name: 'Thành phố Cần Thơ', kind: 'Thành phố', level: 'province' });
  const before = await areas('?level=province&at=2025-01-01');
  expect(before.body).toMatchObject({ list: '2025-03-01', count: 63 });
  // Today in Vietnam when no date is given (the clock says 03:00 on the 6th there).
  expect((await areas('?level=province')).body).toMatchObject({ at: '2026-12-06', count: 34 });
  // Below a parent: the wards of Quận Ba Đình before the reform. The earliest list shipped (1 March
  // 2025) stands for every earlier date: 13 wards, Nguyễn Trung Trực (merged in January 2025) not among them.
  const baDinh = await areas('?level=commune&parent=001&at=2021-06-01');
  expect(baDinh.body).toMatchObject({ list: '2025-03-01', count: 13 });
  expect(baDinh.body.areas.map((area: { name: string }) => area.name)).toContain('Phường Kim Mã');
});

it("resolves Ba Đình's old wards to the wards they went into, partial where the merge table says so", async () => {
  const truc = await areas('/00004?at=2021-06-01');
  expect(truc.body).toMatchObject({ code: '00004', name: 'Phường Trúc Bạch', list: '2025-03-01', successors: [{ code: '00004', name: 'Phường Ba Đình', part: 'full' }] });
  const kimMa = await areas('/00028?at=2021-06-01');
  expect(kimMa.body.successors).toEqual([
    { code: '00004', name: 'Phường Ba Đình', part: 'partial' },
    { code: '00008', name: 'Phường Ngọc Hà', part: 'partial' },
    { code: '00025', name: 'Phường Giảng Võ', part: 'partial' },
  ]);
  // The same code after the reform is another unit, formed from the old ones.
  const baDinh = await areas('/00004?at=2026-01-01');
  expect(baDinh.body).toMatchObject({ name: 'Phường Ba Đình', list: '2025-07-01' });
  expect(baDinh.body.predecessors).toEqual(expect.arrayContaining([{ code: '00004', name: 'Phường Trúc Bạch', part: 'full' }, { code: '00028', name: 'Phường Kim Mã', part: 'partial' }]));
  expect(baDinh.body.successors).toBeUndefined();
});

it('answers a bad query with 400 naming the parameter, an unknown code with 404, and a request without a user with 401', async () => {
  const bad = await areas('?level=ward&at=01/01/2026');
  expect(bad.status).toBe(400);
  expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['query.at', 'query.level']);
  expect((await areas('/99999?at=2026-01-01')).status).toBe(404);
  expect((await areas('/0912345678')).status).toBe(404);
  expect((await fetch(`${coordination.url}/api/v1/areas`)).status).toBe(401);
});
