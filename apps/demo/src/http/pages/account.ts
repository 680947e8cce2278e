import { unlink } from "node:fs/promises";
import path from "node:path";
import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { services } from "../../context";
import { avatarUpload, currentUser, pageMiddleware, requireUser } from "../../middleware/pages";
import { AVATAR_MAX_BYTES, AVATAR_TYPES, type DemoServices } from "../../services";
import { MAX_NOTE_LENGTH, MAX_NOTES } from "../../services/notes";
import type { User } from "../../services/users";

/** What the account page shows besides the layout's data; `extra` carries a form's error. */
export async function renderAccount(
  req: FileRequest,
  res: HarpiaResponse,
  extra: { noteError?: string; draft?: string } = {},
): Promise<void> {
  const user = currentUser(req)!;
  await res.render("account", {
    notes: await services(req).notes.list(user.id),
    maxNotes: MAX_NOTES,
    maxNoteLength: MAX_NOTE_LENGTH,
    avatarLimit: `${AVATAR_MAX_BYTES / 1024} KiB`,
    avatarAccept: AVATAR_TYPES.join(","),
    ...extra,
  });
}

/** Removes a picture file of the upload folder (names come from our own store, still checked). */
async function removePicture(service: DemoServices, name: string | null): Promise<void> {
  if (!name || !/^[\w.-]+$/.test(name)) return;
  await unlink(path.join(service.settings.uploadDir, name)).catch(() => {});
}

/** The account page, the profile picture upload and account deletion (a DELETE form). */
export default class AccountPages {
  routes = {
    "get /account": "show",
    "post /account/avatar": "uploadAvatar",
    "delete /account": "destroy",
  };

  middleware = {
    "*": [...pageMiddleware, requireUser],
    // CSRF is checked before the upload middleware writes anything to disk.
    uploadAvatar: [...pageMiddleware, requireUser, avatarUpload],
  };

  async show(req: FileRequest, res: HarpiaResponse) {
    await renderAccount(req, res);
  }

  async uploadAvatar(req: FileRequest, res: HarpiaResponse) {
    const service = services(req);
    const [saved] = req.uploads;
    let previous: string | null = null;
    const updated = await service.users.update(currentUser(req)!.username, (user: User) => {
      previous = user.avatar;
      return { ...user, avatar: saved!.name };
    });
    if (updated === undefined) {
      await service.upload.remove(req.uploads); // the account was deleted meanwhile
      return res.redirect("/login", 303);
    }
    await removePicture(service, previous);
    res.redirect("/account", 303);
  }

  async destroy(req: FileRequest, res: HarpiaResponse) {
    const service = services(req);
    const user = currentUser(req)!;
    await service.users.delete(user);
    await service.notes.clear(user.id);
    await removePicture(service, user.avatar);
    await service.cache.delete("home");
    await req.session.destroy();
    res.redirect("/", 303);
  }
}
