// Frame counting in the graph page, shared by bench/extension.mjs (Chromium)
// and bench/graph-firefox.mjs (Firefox). `frameCounter` is evaluated in the
// page, so it uses nothing from this module.

/**
 * In the page: counts animation frames and sigma renders for `ms`. `mode`: 'idle'; 'camera' (the camera
 * moved to a new place every frame, as code would: edges stay drawn); 'drag' (a mouse drag on the graph, a
 * mousemove event every frame, dispatched in the page: sigma's own drag handling, which hides edges while moving);
 * 'wheel' (a wheel event every frame, zooming in for 0.5 s then out for 0.5 s: sigma's own zoom, which also hides
 * edges while it runs).
 */
export function frameCounter() {
  window.__benchFrames = (ms, mode) => new Promise((resolve) => {
    const sigma = window.__telltaleGraph;
    const cam = sigma.getCamera();
    const start = cam.getState();
    const pan = mode === 'camera';
    const drag = mode === 'drag';
    const wheel = mode === 'wheel';
    const target = sigma.getMouseCaptor().container;
    const box = target.getBoundingClientRect();
    const mouse = (type, t, on = target) => on.dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, button: 0, buttons: type === 'mouseup' ? 0 : 1,
      clientX: box.left + box.width / 2 + 150 * Math.sin((2 * Math.PI * t) / 1500),
      clientY: box.top + box.height / 2 + 100 * Math.sin((2 * Math.PI * t) / 2300),
    }));
    if (drag) mouse('mousedown', 0);
    let renders = 0;
    let edgesDrawn = 0;
    let began = 0;
    const renderMs = [];
    const gaps = [];
    const layoutAtStart = document.body.dataset.layout;
    const before = () => { began = performance.now(); };
    const after = () => {
      renders++;
      renderMs.push(performance.now() - began);
      const m = sigma.mouseCaptor;
      if (!(cam.isAnimated() || m.isMoving || m.draggedEvents || m.currentWheelDirection)) edgesDrawn++;
    };
    sigma.on('beforeRender', before);
    sigma.on('afterRender', after);
    let frames = 0;
    let last = null;
    const t0 = performance.now();
    const tick = (now) => {
      frames++;
      if (last !== null) gaps.push(now - last);
      last = now;
      const t = now - t0;
      if (pan) cam.setState({ x: start.x + 0.15 * Math.sin((2 * Math.PI * t) / 1500), y: start.y + 0.1 * Math.sin((2 * Math.PI * t) / 2300) });
      if (drag) mouse('mousemove', t);
      if (wheel) {
        target.dispatchEvent(new WheelEvent('wheel', {
          bubbles: true, cancelable: true, deltaMode: 0, deltaY: Math.floor(t / 500) % 2 ? 40 : -40,
          clientX: box.left + box.width / 2, clientY: box.top + box.height / 2,
        }));
      }
      if (t < ms) requestAnimationFrame(tick);
      else {
        sigma.off('beforeRender', before);
        sigma.off('afterRender', after);
        if (drag) mouse('mouseup', t, document);
        if (pan || wheel) cam.setState(start);
        const secs = (performance.now() - t0) / 1000;
        gaps.sort((a, b) => a - b);
        renderMs.sort((a, b) => a - b);
        resolve({
          secs, frames, renders, edgesDrawn, fps: frames / secs, rendersPerSec: renders / secs,
          medianFrameGap: gaps[Math.floor(gaps.length / 2)], maxFrameGap: gaps[gaps.length - 1],
          medianRenderMs: renderMs[Math.floor(renderMs.length / 2)],
          layout: `${layoutAtStart}→${document.body.dataset.layout}`,
        });
      }
    };
    requestAnimationFrame(tick);
  });
}
