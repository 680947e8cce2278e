import { createHmac } from "node:crypto";
import { HttpError } from "@harpia/core";
import { safeEqual } from "@harpia/core/utils";
import { IpAllowList } from "./client-ip";
import type { AccessParams } from "./types";

/**
 * Thrown by every reading call (and the dashboard) when the token is missing or wrong
 * (status 401, with `WWW-Authenticate`) or the caller's IP is not allowed (status 403). An
 * `HttpError`, so a route calling the reading API answers with the right status.
 */
export class Unauthorized extends HttpError {
  constructor(reason: "token" | "ip") {
    super(
      reason === "token" ? 401 : 403,
      reason === "token" ? "A valid telemetry access token is required" : "This IP may not read telemetry",
      {
        code: reason === "token" ? "UNAUTHORIZED" : "FORBIDDEN",
        headers: reason === "token" ? { "www-authenticate": 'Bearer realm="telemetry"' } : undefined,
      },
    );
    this.name = "Unauthorized";
  }
}

/** Checks reading calls against the `accessToken` and `allowedIps` options. */
export class AccessGuard {
  private readonly allowList: IpAllowList | undefined;

  constructor(
    private readonly accessToken: string | undefined,
    allowedIps: readonly string[] | undefined,
  ) {
    if (accessToken !== undefined && (typeof accessToken !== "string" || accessToken.length < 8))
      throw new TypeError("Telemetry: `accessToken` must be a string of at least 8 characters");
    if (allowedIps !== undefined && !Array.isArray(allowedIps))
      throw new TypeError("Telemetry: `allowedIps` must be an array of IPs or CIDR ranges");
    this.allowList = allowedIps === undefined ? undefined : new IpAllowList(allowedIps);
  }

  /** Whether anything is required of callers. */
  get guarded(): boolean {
    return this.accessToken !== undefined || this.allowList !== undefined;
  }

  /** Whether a token is configured. */
  get usesToken(): boolean {
    return this.accessToken !== undefined;
  }

  /** Throws {@link Unauthorized} unless the call carries what the options require. */
  check(params: AccessParams | undefined): void {
    if (this.allowList !== undefined && !this.allowList.has(params?.callerIp)) throw new Unauthorized("ip");
    if (this.accessToken !== undefined) {
      const token = params?.token;
      if (typeof token !== "string" || !safeEqual(token, this.accessToken)) throw new Unauthorized("token");
    }
  }

  /**
   * The dashboard's check: like {@link check}, but a valid dashboard cookie (see
   * {@link sessionProof}) stands in for the token.
   */
  checkDashboard(token: string | undefined, proof: string | undefined, callerIp: string | undefined): void {
    if (this.allowList !== undefined && !this.allowList.has(callerIp)) throw new Unauthorized("ip");
    if (this.accessToken === undefined) return;
    const tokenValid = typeof token === "string" && safeEqual(token, this.accessToken);
    if (!tokenValid && !this.validProof(proof)) throw new Unauthorized("token");
  }

  /**
   * The dashboard cookie's value: derived from the token (so the token itself is never
   * stored in a browser), and changing whenever the token does.
   */
  sessionProof(): string {
    return createHmac("sha256", this.accessToken ?? "")
      .update("harpia-telemetry-dashboard")
      .digest("base64url");
  }

  /** Whether a dashboard cookie value is the current proof. */
  validProof(value: string | undefined): boolean {
    return (
      this.accessToken !== undefined && typeof value === "string" && safeEqual(value, this.sessionProof())
    );
  }
}
