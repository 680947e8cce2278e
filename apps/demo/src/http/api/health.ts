import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";

/** `GET /api/health`: for load balancers and the cluster test; 503 when the store does not answer. */
export default class HealthApi {
  routes = { "get /api/health": "health" };

  async health(req: FileRequest, res: HarpiaResponse) {
    const { stores, settings } = services(req);
    const storeUp = stores.redis ? await stores.redis.ping() : true;
    res.status(storeUp ? 200 : 503).json({
      status: storeUp ? "ok" : "store unavailable",
      store: stores.kind,
      worker: settings.workerId ?? null,
      pid: process.pid,
    });
  }
}
