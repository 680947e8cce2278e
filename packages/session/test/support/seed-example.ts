/**
 * The seed's Redis session example (login, profile, logout in a Router with a custom cookie
 * name), built on any store. Test fixture: the same app runs on MemoryStore and RedisStore.
 */
import harpia, { type Harpia, Router, type Store } from "@harpia/core";
import { Session } from "../../src/index";

export function seedSessionApp(store: Store): Harpia {
  const useSession = new Session({ store, cookieName: "my_session_id" });
  const session = Router();

  session.post("/login", async (req, res) => {
    const sessionExists = await useSession.fromRequest(req);
    if (sessionExists) {
      res.json({ message: "Session does not exists." });
    } else {
      const sessionData = { userId: "12345", username: "pyro" };
      const sessionId = await useSession.create(sessionData);
      useSession.setCookie(res, sessionId, { maxAge: 3600, httpOnly: true, secure: true });
      res.cookies.set("theme", "dark");
      res.json({ message: "Successful login!" });
    }
  });

  session.get("/profile", async (req, res) => {
    const sessionData = await useSession.fromRequest(req);
    if (sessionData) {
      res.json({ profile: sessionData });
    } else {
      res.status(401).json({ message: "Session expired or not found!" });
    }
  });

  session.post("/logout", async (req, res) => {
    const sessionId = req.cookies.get("my_session_id");
    if (sessionId) {
      await useSession.delete(sessionId, res);
      res.json({ message: "Successful logout!" });
    } else {
      res.status(400).json({ message: "Session not found!" });
    }
  });

  const app = harpia();
  app.routes(session);
  return app;
}
