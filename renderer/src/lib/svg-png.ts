// An SVG the core drew (a grid of structures) as PNG bytes, drawn onto a canvas in the page: the SVG is an
// image from a data: URL (no script runs), at twice its size for a crisp slide.
import { svgDataUrl } from '../state/depictions.svelte.ts';

/** The SVG's own width and height (attributes, else the viewBox), or null. */
export function svgSize(svg: string): { width: number; height: number } | null {
  const open = /<svg\b[^>]*>/i.exec(svg)?.[0];
  if (!open) return null;
  const attr = (name: string) => Number.parseFloat(new RegExp(`\\b${name}=['"]([\\d.]+)(px)?['"]`).exec(open)?.[1] ?? '');
  let width = attr('width');
  let height = attr('height');
  if (!(width > 0 && height > 0)) {
    const box = /\bviewBox=['"]([-\d.\s,]+)['"]/.exec(open)?.[1].trim().split(/[\s,]+/).map(Number);
    if (box?.length === 4) [width, height] = [box[2], box[3]];
  }
  return width > 0 && height > 0 ? { width, height } : null;
}

export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array<ArrayBuffer>> {
  const size = svgSize(svg);
  if (!size) throw new Error('the drawing has no size');
  const image = new Image();
  image.src = svgDataUrl(svg);
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(size.width * scale);
  canvas.height = Math.round(size.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas gave no PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
