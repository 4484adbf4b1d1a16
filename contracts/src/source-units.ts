import type { AgencyService } from './agencies.js';
import { OFFICIAL_UNIT_CODES } from './official-units.generated.js';

/**
 * The unit an agency's `source` names (ADR 0016) comes from registries, never from free text:
 * the official code of the administrative unit it serves (data/administrative-units: 2 digits a
 * province, 3 a district, 5 a commune or ward), then, for an agency of several organs there,
 * which one: `/pcmd/police/001`, `/pcmd/justice/001/toa-an`. A free word could carry a name.
 */
export const AGENCY_ORGANS: Readonly<Record<AgencyService, Readonly<Record<string, { vi: string; en: string }>>>> = {
  labour: {
    'lao-dong': { vi: 'Sở / Phòng Lao động - Thương binh và Xã hội', en: 'Department / Office of Labour, Invalids and Social Affairs' },
    'chi-cuc-pctnxh': { vi: 'Chi cục Phòng, chống tệ nạn xã hội', en: 'Sub-department for Social Evils Prevention' },
    'trung-tam-ctxh': { vi: 'Trung tâm Công tác xã hội', en: 'Social work centre' },
  },
  police: {
    'cong-an': { vi: 'Công an', en: 'Police' },
  },
  health: {
    'y-te': { vi: 'Sở / Phòng Y tế', en: 'Department / Office of Health' },
    'trung-tam-y-te': { vi: 'Trung tâm Y tế', en: 'Health centre' },
  },
  culture: {
    'van-hoa': { vi: 'Sở Văn hóa, Thể thao và Du lịch / Phòng Văn hóa - Thông tin', en: 'Department of Culture, Sports and Tourism / Office of Culture and Information' },
  },
  justice: {
    'tu-phap': { vi: 'Sở / Phòng Tư pháp', en: 'Department / Office of Justice' },
    'vien-kiem-sat': { vi: 'Viện kiểm sát nhân dân', en: "People's Procuracy" },
    'toa-an': { vi: 'Tòa án nhân dân', en: "People's Court" },
  },
};

let officialCodes: ReadonlySet<string> | undefined;

/** Whether `code` is the official code of a unit in any list (before or after the July 2025 reform). */
export function isOfficialUnitCode(code: string): boolean {
  officialCodes ??= new Set(Object.values(OFFICIAL_UNIT_CODES).flatMap((codes) => codes.split(' ')));
  return officialCodes.has(code);
}

/** Why the unit after an agency in `source` (`001`, `001/toa-an`) is not one the registries know; undefined when it is. */
export function agencyUnitProblem(agency: AgencyService, unit: string): string | undefined {
  const [area, organ, ...rest] = unit.split('/');
  if (rest.length > 0 || !area || !isOfficialUnitCode(area)) {
    return `must name the unit by the official code of the area it serves (2, 3 or 5 digits, e.g. /pcmd/${agency}/001), then optionally its organ (/pcmd/${agency}/001/${Object.keys(AGENCY_ORGANS[agency])[0]})`;
  }
  if (organ !== undefined && !(organ in AGENCY_ORGANS[agency])) {
    return `organ after the area code must be one of ${Object.keys(AGENCY_ORGANS[agency]).join(', ')}`;
  }
  return undefined;
}
