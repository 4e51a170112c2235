/** The opaque-origin requester: a sandboxed frame whose `fetch()` sends `Origin: null`. */
import type { Frame, Page } from 'playwright-core';

/**
 * The in-page expression that appends a sandboxed `srcdoc` iframe (`allow-scripts` without `allow-same-origin`)
 * to the document and resolves once it has loaded. Its document has an opaque origin, so a `fetch()` run there
 * sends `Origin: null` (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin).
 * Plain source with no browser API beyond the DOM, so the Firefox suite (WebDriver BiDi) runs the same frame.
 */
export const openOpaqueFrameScript =
  "new Promise((resolve) => { const f = document.createElement('iframe'); f.setAttribute('sandbox', 'allow-scripts'); f.setAttribute('srcdoc', '<!doctype html><title>null origin</title>'); f.addEventListener('load', resolve, { once: true }); document.body.append(f); })";

/**
 * Opens the sandboxed frame of {@link openOpaqueFrameScript} in `page` and returns it. Chromium runs it out of
 * process, so CDP observers need the frame's own session.
 */
export async function openOpaqueFrame(page: Page): Promise<Frame> {
  await page.evaluate(openOpaqueFrameScript);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (frame === undefined) throw new Error('the sandboxed iframe did not load');
  return frame;
}
