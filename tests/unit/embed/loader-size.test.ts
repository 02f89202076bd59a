import fs from 'node:fs';
import { buildLoaderAsset, LOADER_SOURCE } from '../../../src/embed/loader-asset';

describe('the embed loader as served', () => {
  const asset = buildLoaderAsset();

  it('stays under 3 KB gzipped (it is on every article page)', () => {
    // Printed so a change that grows it shows in the test output, not only when it crosses the line.
    process.stdout.write(
      `embed.js: ${fs.statSync(LOADER_SOURCE).size} bytes source, ${asset.body.length} minified, ${asset.gzipped.length} gzipped\n`,
    );
    expect(asset.gzipped.length).toBeLessThan(3 * 1024);
  });

  it('is minified from the source, and its ETag changes with its content', () => {
    const source = fs.readFileSync(LOADER_SOURCE, 'utf8');
    expect(asset.body.length).toBeLessThan(source.length);
    expect(asset.body.toString()).toContain('/embed/footer');
    expect(buildLoaderAsset(source).etag).toBe(asset.etag);
    expect(buildLoaderAsset(`${source}\nwindow.sustainVersion = 2;`).etag).not.toBe(asset.etag);
  });

  it('refuses a source that is not valid JavaScript rather than serve a broken loader', () => {
    expect(() => buildLoaderAsset('function (')).toThrow();
  });
});
