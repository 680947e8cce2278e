import { type HarpiaResponse, HttpError } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { currentUser, pageMiddleware, requireUser } from "../../middleware/pages";
import { MAX_NOTES, validateNote } from "../../services/notes";
import { renderAccount } from "./account";

/** Adding a note (POST form) and deleting one (a POST form with `_method=DELETE`). */
export default class NotePages {
  routes = {
    "post /notes": "create",
    "delete /notes/:id": "remove",
  };

  middleware = { "*": [...pageMiddleware, requireUser] };

  async create(req: FileRequest, res: HarpiaResponse) {
    const { text, error } = validateNote(req.body);
    if (error) return renderAccount(req, res.status(422), { noteError: error, draft: text });
    const added = await services(req).notes.add(currentUser(req)!.id, text);
    if (added === "full") {
      const noteError = `You have ${MAX_NOTES} notes: delete one first`;
      return renderAccount(req, res.status(422), { noteError, draft: text });
    }
    res.redirect("/account#notes", 303);
  }

  async remove(req: FileRequest<{ id: string }>, res: HarpiaResponse) {
    // Another user's note id finds nothing in this user's list: a 404, never a deletion.
    if (!(await services(req).notes.remove(currentUser(req)!.id, req.params.id))) {
      throw new HttpError(404, "No such note", { code: "NOTE_NOT_FOUND" });
    }
    res.redirect("/account#notes", 303);
  }
}
