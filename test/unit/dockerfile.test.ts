import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { copiesOf, readDockerfile, type DockerStage } from '../support/read-dockerfile';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

const runs = (stage: DockerStage) =>
  stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const last = (stage: DockerStage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;

// No Docker on this machine: the image is checked by its structure here, and the same steps
// (build, production-only install, start) run for real in test/reliability/production-install.
describe('the Dockerfile', () => {
  const stages = readDockerfile();
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1)!;

  it('builds in a stage with the development dependencies', () => {
    assert.ok(build, 'a stage named "build"');
    assert.notEqual(runtime, build, 'the runtime is a separate, last stage');
    const commands = runs(build);
    assert.ok(commands.some((c) => /^npm ci\b/.test(c) && !c.includes('--omit')));
    assert.ok(commands.includes('npm run build'));
    assert.ok(pkg.scripts['build'], 'build is an npm script');
  });

  it('runs on a slim Node 20 image with production dependencies only', () => {
    assert.match(runtime.from, /^node:20[.\w-]*-slim$/);
    assert.equal(build?.from, runtime.from, 'one Node for build and run');
    assert.ok(runs(runtime).some((c) => /^npm ci\b.*--omit=dev\b/.test(c)));
    assert.ok(!runs(runtime).some((c) => /npm (install|i)\b|npm ci(?!.*--omit=dev)/.test(c)));
  });

  it('takes the compiled service from the build stage and the files it reads at run time', () => {
    const copies = copiesOf(runtime);
    assert.ok(
      copies.some((c) => c.fromStage === 'build' && c.sources.includes('/app/dist')),
      'dist/ from the build stage',
    );
    // What src/paths.ts-based code reads at run time: cards/ (templates), data/ (reference
    // data, bank holidays, demo), dist/tab (the dashboard), and package.json (PROJECT_ROOT).
    const copied = copies.flatMap((c) => c.sources.map((s) => s.replace(/^\/app\//, '')));
    for (const needed of ['package.json', 'package-lock.json', 'dist', 'cards', 'data'])
      assert.ok(copied.includes(needed), `${needed} is copied`);
    for (const copy of copies.filter((c) => !c.fromStage))
      for (const source of copy.sources)
        assert.ok(existsSync(path.join(ROOT, source)), `${source} exists`);
  });

  it('runs as the non-root node user, listens where it says, and checks /readyz', () => {
    const user = runtime.instructions.findIndex((i) => i.keyword === 'USER');
    const cmd = runtime.instructions.findIndex((i) => i.keyword === 'CMD');
    assert.equal(last(runtime, 'USER'), 'node');
    assert.ok(user >= 0 && user < cmd, 'USER comes before CMD');
    const port = /\bPORT=(\d+)/.exec(last(runtime, 'ENV') ?? '')?.[1];
    assert.ok(port, 'PORT is set');
    assert.equal(last(runtime, 'EXPOSE'), port);
    assert.match(last(runtime, 'HEALTHCHECK') ?? '', /\/readyz/);
    assert.match(last(runtime, 'ENV') ?? '', /ARB_MODE=production/);
  });

  it('starts with a real npm script that runs the compiled code', () => {
    const command = JSON.parse(last(runtime, 'CMD') ?? '[]') as string[];
    assert.deepEqual(command.slice(0, 2), ['npm', 'run']);
    const script = pkg.scripts[command[2] ?? ''];
    assert.ok(script, `${command[2]} is a script in package.json`);
    assert.match(script, /^node .*dist\/src\/main\.js$/);
    assert.doesNotMatch(script, /tsx|ts-node/, 'no TypeScript loader at run time');
  });

  it('keeps local state, secrets and build output out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git'])
      assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  });
});
