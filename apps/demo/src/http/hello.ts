import type { FileRequest } from "@harpia/file-router";

/** `GET /hello/:name`: the smallest route class, a param and a JSON answer. */
export default class Hello {
  routes = { "get /hello/:name": "hello" };

  hello(req: FileRequest<{ name: string }>) {
    return { message: `Hello, ${req.params.name}!` };
  }
}
