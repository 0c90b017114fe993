// The browser side of clusterviz.Viewer: shows the PNG frames the kernel sends and
// sends back the pointer, wheel and keys in frame pixels. Pointer moves are sent one
// at a time (the next after a frame arrives), so a slow renderer is never flooded.
function render({ model, el }) {
  const img = document.createElement("img");
  img.tabIndex = 0;
  img.draggable = false;
  img.alt = "clusterviz viewer";
  img.className = "clusterviz-viewer";
  img.style.cssText =
    "display:block;outline:none;cursor:crosshair;user-select:none;touch-action:none;" +
    `width:${model.get("width")}px;max-width:100%;height:auto`;
  el.appendChild(img);
  let url = null;
  let waiting = false;
  let pendingMove = null;
  const at = (e) => {
    const r = img.getBoundingClientRect();
    const w = img.naturalWidth || model.get("width");
    const h = img.naturalHeight || model.get("height");
    return { x: ((e.clientX - r.left) * w) / r.width, y: ((e.clientY - r.top) * h) / r.height };
  };
  const send = (m) => {
    waiting = true;
    model.send(m);
  };
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || msg.type !== "frame" || !buffers || !buffers.length) return;
    const next = URL.createObjectURL(new Blob([buffers[0]], { type: "image/png" }));
    const old = url;
    url = next;
    img.src = next;
    img.dataset.frames = String(Number(img.dataset.frames || "0") + 1);
    if (old) setTimeout(() => URL.revokeObjectURL(old), 1000);
    waiting = false;
    if (pendingMove) {
      const m = pendingMove;
      pendingMove = null;
      send(m);
    }
  });
  img.addEventListener("pointerdown", (e) => {
    img.setPointerCapture(e.pointerId);
    img.focus();
    pendingMove = null;
    send({ type: "down", ...at(e) });
    e.preventDefault();
  });
  img.addEventListener("pointerup", (e) => {
    pendingMove = null;
    send({ type: "up", ...at(e) });
  });
  img.addEventListener("pointermove", (e) => {
    const m = { type: "move", ...at(e) };
    if (waiting) pendingMove = m;
    else send(m);
  });
  img.addEventListener("pointerleave", () => send({ type: "leave" }));
  img.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const per = e.deltaMode === 1 ? 3 : 100;
      send({ type: "wheel", ...at(e), notches: -e.deltaY / per });
    },
    { passive: false }
  );
  img.addEventListener("keydown", (e) => {
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) send({ type: "text", text: e.key });
    send({ type: "key", key: e.key });
    e.preventDefault();
  });
  model.send({ type: "ready" });
  return () => {
    if (url) URL.revokeObjectURL(url);
  };
}
export default { render };
