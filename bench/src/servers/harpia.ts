/** Harpia, written as a user would. */
import harpia from "@harpia/core";
import { ready, routeCount, STATIC_DIR, serverArgs, TWELVE_HEADERS, unsupported, user } from "../scenarios";

const { scenario, port } = serverArgs();
const app = harpia({ logErrors: false });

// TODO(route schemas): S4V — once core validates route schemas, add
//   case "S4V": app.post("/echo-valid", { body: echoSchema }, (req, res) => res.json(req.body));
// (echoSchema from ../validated) and drop this line. Until then the runner skips Harpia for S4V.
if (scenario === "S4V") unsupported("needs route schemas, not in core yet");

switch (scenario) {
  case "S1":
    app.get("/", (_req, res) => res.send("Hello, World!"));
    break;
  case "S2":
  case "S3":
    // Async `await next()` middleware, the way most middleware is written (issue 18).
    if (scenario === "S3")
      for (let i = 0; i < 5; i++)
        app.use(async (_req, _res, next) => {
          await next();
        });
    app.get("/users/:id", (req, res) => res.json(user(req.params.id)));
    break;
  case "S4":
    app.post("/echo", (req, res) => res.json(req.body));
    break;
  case "S5":
    app.static(STATIC_DIR, { prefix: "/static" });
    break;
  case "S6":
    for (let i = 0; i < routeCount(); i++)
      app.get(`/items${i}/:id`, (req, res) => res.json(user(req.params.id)));
    break;
  case "S7":
    app.cors({ origin: "*" });
    app.get("/users/:id", (req, res) => {
      for (const [name, value] of TWELVE_HEADERS) res.header(name, value);
      res.header("x-session", req.cookies.get("session") ?? "none");
      res.json(user(req.params.id));
    });
    break;
}

const server = app.listen({ port, hostname: "127.0.0.1" });
ready(server.port!);
