import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";

/**
 * A route class: `routes` maps "<method> <path>" to the method that answers it. The file
 * router loads every file of src/http at start-up; add a file, get routes.
 */
export default class HomePage {
  routes = { "get /": "home" };

  async home(req: FileRequest, res: HarpiaResponse) {
    // src/views/pages/home.html, inside src/views/layouts/main.html
    await res.render("home", { username: req.session.username });
  }
}
