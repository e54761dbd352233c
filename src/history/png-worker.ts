/**
 * Renders one SVG to PNG with resvg, in a worker thread that ends afterwards. resvg-js 2.6 does not
 * give back the native memory of a render (github.com/thx/resvg-js/issues/216: RSS grows by the
 * pixmap, about 3.5 MiB per chart, even after garbage collection); a thread's native objects are
 * released when the thread ends, so the service's memory stays flat however many charts it draws.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

const { svg, width, fonts } = workerData as { svg: string; width: number; fonts: string[] };
const png = new Resvg(svg, {
  fitTo: { mode: 'width', value: width },
  font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: 'DejaVu Sans' },
  background: '#ffffff',
})
  .render()
  .asPng();
parentPort?.postMessage(png);
