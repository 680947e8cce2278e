import { HttpError } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";

/** `GET /api/hello?name=Ada`: a JSON API route. A returned object is sent as JSON. */
export default class HelloApi {
  routes = { "get /api/hello": "hello" };

  hello(req: FileRequest) {
    const name = (req.query.name ?? "world").trim();
    if (name.length === 0 || name.length > 50)
      throw new HttpError(400, "name must be 1 to 50 characters", { code: "INVALID_NAME" });
    return { message: `Hello, ${name}!`, requestId: req.state.requestId };
  }
}
