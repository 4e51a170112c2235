/** The opaque-origin requester: a sandboxed frame whose `fetch()` sends `Origin: null`. */
import type { Frame, Page } from 'playwright-core';

/**
 * Opens a sandboxed `srcdoc` iframe (`allow-scripts` without `allow-same-origin`) in `page` and returns its
 * frame. Its document has an opaque origin, so a `fetch()` run there sends `Origin: null`
 * (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin); Chromium runs it out
 * of process, so CDP observers need the frame's own session.
 */
export async function openOpaqueFrame(page: Page): Promise<Frame> {
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.setAttribute('srcdoc', '<!doctype html><title>null origin</title>');
    document.body.append(f);
    return new Promise((resolve) => {
      f.addEventListener('load', resolve, { once: true });
    });
  });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (frame === undefined) throw new Error('the sandboxed iframe did not load');
  return frame;
}
