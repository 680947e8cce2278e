// Compiled on its own (see session-fields.test.ts): declaring SessionFields types req.session
// and req.state.session everywhere, and no longer accepts undeclared keys.
import harpia, { Router } from "@harpia/core";
import { CSRF, csrf, Session, session } from "@harpia/session";

declare module "@harpia/session" {
  interface SessionFields {
    userId: string;
    visits: number;
  }
}

const sessions = session({ ttl: 3600 });
const protect = csrf({ ttl: 60_000 });
const app = harpia();
app.use(sessions);
app.use(protect);
app.get("/", (req) => {
  const userId: string | undefined = req.session.userId;
  req.session.visits = (req.session.visits ?? 0) + 1;
  // @ts-expect-error visits is a number
  req.session.visits = "many";
  // @ts-expect-error not declared in SessionFields
  req.session.other = 1;
  // @ts-expect-error the id is read-only
  req.session.id = "x";
  return { userId, id: req.session.id };
});

app.get("/state", (req, res) => {
  const visits: number | undefined = req.state.session.visits;
  // @ts-expect-error userId is a string
  req.state.session.userId = 42;
  // @ts-expect-error not declared in SessionFields
  req.state.session.other = 1;
  // @ts-expect-error not a key of RequestState
  req.state.sesion = undefined;
  const token: string | undefined = res.locals.csrfToken;
  // @ts-expect-error csrfToken is a string
  res.locals.csrfToken = 1;
  return { visits, token };
});

// Every way to install: the factory, the class, the seed alias, a router, one route.
const seedStyle = new Session();
app.use(seedStyle);
app.use(seedStyle.middleware());
app.use("/account", seedStyle.middleware());
Router().use(sessions);
app.post("/transfer", protect, () => "ok");
app.post("/legacy", new CSRF().middleware(), () => "ok");
// A Session is a plugin whose middleware also works on one route.
app.get("/x", sessions, () => "ok");

export async function seedCalls(): Promise<void> {
  const id = await sessions.create({ userId: "1", visits: 0 });
  const data = await sessions.get(id);
  const visits: number | undefined = data?.visits;
  await sessions.update(id, { visits: (visits ?? 0) + 1 });
  // @ts-expect-error userId is a string
  await sessions.update(id, { userId: 1 });
  const valid: boolean = await protect.instance.check(id, await protect.instance.generate(id));
  void valid;
}
