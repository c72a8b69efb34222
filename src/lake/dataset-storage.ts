import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One Parquet file of a dataset: its day partition, its name, its size. */
export interface DatasetFile {
  day: string;
  name: string;
  bytes: number;
}

/** Local copies of a dataset's files, readable by DuckDB until `release()`. */
export interface OpenedFiles {
  /** The one directory holding every path (the only one a query's sandbox may read). */
  dir: string;
  paths: string[];
  release(): void;
}

/**
 * Where datasets keep their files. A dataset is named by its directory-like path (`LakePaths`);
 * inside it, files live under `day=YYYY-MM-DD/`. Files are immutable: a name is never written
 * again with other rows, so any copy of a file is as good as the original.
 */
export interface DatasetStorage {
  /** Where the data is, for logs and docs ("local disk", "s3://bucket/prefix"). */
  readonly description: string;
  /** Every file of the dataset (or of one day), any order. */
  list(dataset: string, day?: string): Promise<DatasetFile[]>;
  /** A local directory for making a file of this day before `put` (same file system as the day, locally). */
  scratchDir(dataset: string, day: string): string;
  /** Makes a finished local file durable as `name` of the day; the local file is taken over. */
  put(dataset: string, day: string, name: string, localFile: string): Promise<void>;
  /** Deletes files (a missing one is no error). */
  remove(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<void>;
  /** Deletes every file of the dataset. */
  removeDataset(dataset: string): Promise<void>;
  /** Local readable copies of files (downloaded if need be), kept until released. */
  open(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<OpenedFiles>;
}

const DAY_DIR = /^day=(\d{4}-\d{2}-\d{2})$/;

export function dayDirName(day: string): string {
  return `day=${day}`;
}

export function dayOfDirName(name: string): string | undefined {
  return DAY_DIR.exec(name)?.[1];
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Datasets as directories on local disk: the dataset's name is its directory (today's layout). */
export class LocalDatasetStorage implements DatasetStorage {
  readonly description = 'local disk';

  list(dataset: string, day?: string): Promise<DatasetFile[]> {
    const days = day !== undefined ? [day] : readNames(dataset).flatMap((n) => dayOfDirName(n) ?? []);
    const files: DatasetFile[] = [];
    for (const d of days) {
      const dir = join(dataset, dayDirName(d));
      for (const name of readNames(dir)) {
        if (!name.endsWith('.parquet') || name.startsWith('.')) continue;
        try {
          files.push({ day: d, name, bytes: statSync(join(dir, name)).size });
        } catch {
          // Compacted away between listing and stat.
        }
      }
    }
    return Promise.resolve(files);
  }

  scratchDir(dataset: string, day: string): string {
    const dir = join(dataset, dayDirName(day));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  put(dataset: string, day: string, name: string, localFile: string): Promise<void> {
    const dir = this.scratchDir(dataset, day);
    fsyncPath(localFile);
    renameSync(localFile, join(dir, name));
    fsyncPath(dir);
    return Promise.resolve();
  }

  remove(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<void> {
    const days = new Set<string>();
    for (const f of files) {
      rmSync(join(dataset, dayDirName(f.day), f.name), { force: true });
      days.add(f.day);
    }
    for (const day of days) {
      try {
        // Only an empty day directory goes (a write of that day may be under way).
        rmdirSync(join(dataset, dayDirName(day)));
      } catch {
        // Not empty, or gone.
      }
    }
    return Promise.resolve();
  }

  removeDataset(dataset: string): Promise<void> {
    rmSync(dataset, { recursive: true, force: true });
    return Promise.resolve();
  }

  open(dataset: string, files: readonly Pick<DatasetFile, 'day' | 'name'>[]): Promise<OpenedFiles> {
    return Promise.resolve({ dir: dataset, paths: files.map((f) => join(dataset, dayDirName(f.day), f.name)), release: () => undefined });
  }
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
