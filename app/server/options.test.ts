import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWorkspace, parseServeOptions } from './options.ts';

describe('parseServeOptions', () => {
  it('defaults to a free port and the per-user workspace', () => {
    expect(parseServeOptions([], { XDG_DATA_HOME: '/data/u' })).toEqual({ port: 0, workspace: '/data/u/Molscape/workspace.sqlite' });
  });

  it('reads --port and --workspace (resolved to an absolute path)', () => {
    expect(parseServeOptions(['--port', '8123', '--workspace', 'w/a.sqlite'], {})).toEqual({ port: 8123, workspace: path.resolve('w/a.sqlite') });
    expect(parseServeOptions(['--port=0'], {}).port).toBe(0);
  });

  it('says what is wrong with a bad option', () => {
    expect(() => parseServeOptions(['--port', 'eighty'], {})).toThrow(/--port must be a number/);
    expect(() => parseServeOptions(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseServeOptions(['--workspace', ''], {})).toThrow(/--workspace/);
    expect(() => parseServeOptions(['--colour'], {})).toThrow(/colour/);
    expect(() => parseServeOptions(['extra'], {})).toThrow(/extra/);
  });
});

describe('defaultWorkspace', () => {
  it('follows each platform convention', () => {
    expect(defaultWorkspace({}, 'linux', '/home/ada')).toBe('/home/ada/.local/share/Molscape/workspace.sqlite');
    expect(defaultWorkspace({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/ada')).toBe('/home/ada/.local/share/Molscape/workspace.sqlite');
    expect(defaultWorkspace({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Molscape/workspace.sqlite');
    expect(defaultWorkspace({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Molscape\\workspace.sqlite',
    );
  });
});
