import { fileURLToPath } from 'node:url';

/**
 * The plans shipped as demo data, loaded by `npm start`: Ba Đình district 2021, Cần Thơ city 2026
 * (two-tier), and Cần Thơ city 2016 (Số 80/KH-UBND, transcribed whole). New plans go at the end:
 * tests take the first ones by position.
 */
export const DEMO_PLAN_FILES = ['ba-dinh-2021.plan.yaml', 'can-tho-2026.plan.yaml', 'can-tho-2016.plan.yaml'].map((name) =>
  fileURLToPath(new URL(`../../demo/${name}`, import.meta.url)),
);
