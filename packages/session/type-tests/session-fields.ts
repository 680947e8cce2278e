// Compiled on its own (see session-fields.test.ts): declaring SessionFields types req.session
// everywhere, and no longer accepts undeclared keys.
import harpia from "@harpia/core";
import { Session } from "@harpia/session";

declare module "@harpia/session" {
  interface SessionFields {
    userId: string;
    visits: number;
  }
}

const session = new Session();
const app = harpia();
app.use(session.middleware());
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

export async function seedCalls(): Promise<void> {
  const id = await session.create({ userId: "1", visits: 0 });
  const data = await session.get(id);
  const visits: number | undefined = data?.visits;
  await session.update(id, { visits: (visits ?? 0) + 1 });
  // @ts-expect-error userId is a string
  await session.update(id, { userId: 1 });
}
