// Progressive enhancement for every page: the theme switch and local times. The theme itself is
// applied before the first paint by the nonce'd inline script in the layout.
const root = document.documentElement;

for (const button of document.querySelectorAll("[data-theme-toggle]")) {
  button.addEventListener("click", () => {
    const next = root.dataset.theme === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try {
      localStorage.setItem("harpia-theme", next);
    } catch {
      // Storage may be off (private mode): the switch still works for this page.
    }
  });
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
for (const time of document.querySelectorAll("time[datetime]")) {
  const date = new Date(time.getAttribute("datetime"));
  if (!Number.isNaN(date.getTime())) time.textContent = dateFormat.format(date);
}
