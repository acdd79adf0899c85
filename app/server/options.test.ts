import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWorkspace, parseServeOptions } from './options.ts';

describe('parseServeOptions', () => {
  it('defaults to a free port and the per-user workspace', () => {
    expect(parseServeOptions([], { XDG_DATA_HOME: '/data/u' })).toEqual({ port: 0, workspace: '/data/u/Molscape/workspace.sqlite', allowFolders: [] });
  });

  it('reads --port and --workspace (resolved to an absolute path)', () => {
    expect(parseServeOptions(['--port', '8123', '--workspace', 'w/a.sqlite'], {})).toEqual({ port: 8123, workspace: path.resolve('w/a.sqlite'), allowFolders: [] });
    expect(parseServeOptions(['--port=0'], {}).port).toBe(0);
  });

  it('grants no folder by default; --allow-folder, repeatable, grants existing folders (absolute)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'molscape-allow-'));
    const other = mkdtempSync(path.join(tmpdir(), 'molscape-allow-'));
    expect(parseServeOptions(['--allow-folder', dir, '--allow-folder', path.relative(process.cwd(), other)], {}).allowFolders).toEqual([dir, other]);
    expect(() => parseServeOptions(['--allow-folder', path.join(dir, 'missing')], {})).toThrow(/--allow-folder .*missing: there is no such folder/);
    writeFileSync(path.join(dir, 'file.smi'), 'CCO\n');
    expect(() => parseServeOptions(['--allow-folder', path.join(dir, 'file.smi')], {})).toThrow(/--allow-folder .*file\.smi is not a folder/);
    expect(() => parseServeOptions(['--allow-folder', ''], {})).toThrow(/--allow-folder needs a folder/);
  });

  it('takes a token only from MOLSCAPE_TOKEN, never from the command line; --open asks for the browser', () => {
    const token = 'a'.repeat(43);
    expect(parseServeOptions([], { MOLSCAPE_TOKEN: token }).token).toBe(token);
    expect(parseServeOptions([], {}).token).toBeUndefined();
    expect(() => parseServeOptions(['--token', token], {})).toThrow(/never taken on the command line.*MOLSCAPE_TOKEN/);
    expect(() => parseServeOptions([`--token=${token}`], {})).toThrow(/MOLSCAPE_TOKEN/);
    expect(() => parseServeOptions([], { MOLSCAPE_TOKEN: 'short' })).toThrow(/MOLSCAPE_TOKEN must be 32 to 512/);
    expect(() => parseServeOptions([], { MOLSCAPE_TOKEN: `${'a'.repeat(40)} b` })).toThrow(/MOLSCAPE_TOKEN/);
    expect(parseServeOptions(['--open'], {}).open).toBe(true);
    expect(parseServeOptions([], {}).open).toBeUndefined();
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
