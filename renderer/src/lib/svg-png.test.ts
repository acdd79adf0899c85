import { describe, expect, it } from 'vitest';
import { svgSize } from './svg-png.ts';

describe('svgSize', () => {
  it('reads width and height attributes, with or without px', () => {
    expect(svgSize(`<?xml version='1.0'?><svg version='1.1' width='1320px' height='500px' xmlns='http://www.w3.org/2000/svg'></svg>`)).toEqual({ width: 1320, height: 500 });
    expect(svgSize('<svg width="30" height="20"/>')).toEqual({ width: 30, height: 20 });
  });

  it('falls back to the viewBox, and says null when there is no size', () => {
    expect(svgSize('<svg viewBox="0 0 640 480" xmlns="http://www.w3.org/2000/svg"></svg>')).toEqual({ width: 640, height: 480 });
    expect(svgSize('<svg></svg>')).toBeNull();
    expect(svgSize('not a drawing')).toBeNull();
  });
});
