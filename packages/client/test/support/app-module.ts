/** A module the generator reads an app from: `default` makes `{ app, close }`, closed after use. */
import { booksApp } from "./books-app";

/** One entry per `close()` call, for the test to see. */
export const closed: string[] = [];

export default async function makeApp() {
  return {
    app: booksApp(),
    async close() {
      closed.push("closed");
    },
  };
}
