/**
 * S4V's body: 5 fields, validated before it is echoed. The zod 4 schema is what raw Bun (with
 * `safeParse`) and Hono (with `@hono/zod-validator`) use; Elysia declares the same with `t.Object`.
 * Imported only by the servers that run S4V, so other scenarios do not load zod.
 */
import { z } from "zod";

/** The body schema. */
export const echoSchema = z.object({
  name: z.string().min(1),
  email: z.email(),
  age: z.number().int().min(0),
  tags: z.array(z.string()),
  active: z.boolean(),
});

/** A valid body (the one the load generator sends). */
export const VALID_BODY = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  age: 36,
  tags: ["math", "engines"],
  active: true,
};

/** An invalid body (the runner checks every framework answers it with a 4xx). */
export const INVALID_BODY = { name: "", email: "not-an-email", age: -1, tags: "math", active: "yes" };
