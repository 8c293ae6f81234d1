// Progressive enhancement only: without this script the form still posts and the browser
// downloads the answer. With it: drag and drop, and errors shown on the page.
(function () {
  const form = document.getElementById("convert");
  const input = document.getElementById("file");
  const drop = document.getElementById("drop");
  const text = document.getElementById("drop-text");
  const status = document.getElementById("status");

  input.addEventListener("change", () => { if (input.files[0]) text.textContent = input.files[0].name; });
  ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => {
    ev.preventDefault(); drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; text.textContent = input.files[0].name; }
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!input.files[0]) { status.textContent = "请选择文件 · choose a file"; return; }
    status.className = ""; status.textContent = "转换中… converting…";
    const response = await fetch(form.action, { method: "POST", body: new FormData(form) });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
      status.className = "error"; status.textContent = detail; return;
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const name = match ? decodeURIComponent(match[1]) : "converted";
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    URL.revokeObjectURL(url);
    status.textContent = "完成 done: " + name;
  });
})();
