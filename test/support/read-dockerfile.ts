import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One instruction of a Dockerfile: its keyword (upper case) and the rest of its line. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** One build stage: its base image, its name, and its instructions after FROM. */
export interface DockerStage {
  from: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

/** A COPY instruction read as sources and a destination (relative to WORKDIR when not absolute). */
export interface DockerCopy {
  fromStage: string | undefined;
  sources: string[];
  destination: string;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Reads the project's Dockerfile into stages (no Docker here, so tests check its structure and
 * replay its COPY lines). Continuation lines are joined; comments dropped; `${ARG}` in FROM is
 * replaced by the ARG's default.
 */
export function readDockerfile(file = path.join(ROOT, 'Dockerfile')): DockerStage[] {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name.trim(), value.trim());
    } else if (upper === 'FROM') {
      const expanded = rest.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
      const [from = '', as, name] = expanded.split(/\s+/);
      stages.push({
        from,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args: rest.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** The COPY instructions of a stage, in order. */
export function copiesOf(stage: DockerStage): DockerCopy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(' ');
      const fromStage = words[0]?.startsWith('--from=') ? words.shift()?.slice(7) : undefined;
      const destination = words.pop() ?? '';
      return { fromStage, sources: words, destination };
    });
}
