import { describe, expect, test } from "bun:test";
import { displayName, fileExtension, sanitizeFileName } from "./sanitize";

describe("sanitizeFileName", () => {
  test.each([
    ["../../x", "x"],
    ["..\\..\\windows\\system32", "windows_system32"],
    ["/etc/passwd", "etc_passwd"],
    [".htaccess", "htaccess"],
    ["...", ""],
    ["a\u0000b\u0007c\r\n.txt", "abc.txt"],
    ["evil\u202etxt.exe", "evil_txt.exe"],
    ["my photo (1).jpg", "my_photo_1_.jpg"],
    ["file..name", "file.name"],
    ["Relatório de março.pdf", "Relatório_de_março.pdf"],
    ["名前.png", "名前.png"],
    ["CON:", "CON"],
  ])("%j → %j", (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  test("never yields a separator, a parent reference or a leading dot", () => {
    const nasty = [
      "../",
      "..",
      "./.",
      "a/../../b",
      "\\\\server\\share",
      "\u0000/\u0000",
      "%2e%2e%2f",
      ". . /",
    ];
    for (const input of nasty) {
      const out = sanitizeFileName(input);
      expect(out).not.toMatch(/[/\\]/);
      expect(out).not.toContain("..");
      expect(out.startsWith(".")).toBe(false);
    }
  });

  test("long names are cut on a character boundary", () => {
    const out = sanitizeFileName(`${"é".repeat(150)}.png`, 100);
    expect(Array.from(out).length).toBe(100);
    expect(out).toBe("é".repeat(100));
    expect(sanitizeFileName("𠀀".repeat(60), 51)).toBe("𠀀".repeat(51)); // astral letters are two UTF-16 units
  });
});

describe("fileExtension", () => {
  test("lower-cases a plain extension of the last segment", () => {
    expect(fileExtension("Photo.JPG")).toBe(".jpg");
    expect(fileExtension("archive.tar.gz")).toBe(".gz");
    expect(fileExtension("dir.d/noext")).toBe("");
    expect(fileExtension("weird.ex e")).toBe("");
    expect(fileExtension("x.")).toBe("");
    expect(fileExtension("a.verylongextensionname")).toBe("");
  });
});

describe("displayName", () => {
  test("drops control characters and bounds the length", () => {
    expect(displayName("a\nb\u0000c.jpg")).toBe("abc.jpg");
    expect(displayName("x".repeat(150))).toBe(`${"x".repeat(100)}…`);
  });
});
