/**
 * @harpia/health — liveness and readiness probes: `app.use(health())` serves `/healthz` (200
 * while the process serves) and `/readyz` (200 once ready and every check passes; 503 before,
 * on a failing check, and from the moment `app.close()` begins).
 */
export type { CheckResult, CheckResults } from "./checks";
export {
  type Health,
  type HealthPlugin,
  health,
  PLUGIN_NAME,
  type ReadinessReport,
  type ReadinessStatus,
} from "./health";
export type { HealthCheck, HealthOptions } from "./options";
