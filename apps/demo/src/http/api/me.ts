import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { currentUser, loadUser } from "../../middleware/pages";
import { publicUser } from "../../services/users";

/**
 * `GET /api/me`: who the session belongs to, as JSON (`{ user: null }` for visitors). Reads the
 * session without creating one, so API clients without cookies stay stateless.
 */
export default class MeApi {
  routes = { "get /api/me": "me" };
  middleware = { me: [loadUser] };

  me(req: FileRequest) {
    const user = currentUser(req);
    return { user: user ? publicUser(user) : null, worker: services(req).settings.workerId ?? null };
  }
}
