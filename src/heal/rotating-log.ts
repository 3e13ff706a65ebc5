import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/**
 * An append-only log file rotated by size: `<path>` is current, `<path>.1` the newest rotated file,
 * `<path>.<keep>` the oldest kept. Appends run one after another, so several writers may share it;
 * no file grows past `maxBytes` (a larger chunk is split).
 */
export class RotatingLog {
  private handle: FileHandle | undefined;
  private size = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {}

  append(chunk: Buffer): Promise<void> {
    return this.enqueue(() => this.write(chunk));
  }

  /** Waits for the appends so far, then closes the file (the next append opens it again). */
  close(): Promise<void> {
    return this.enqueue(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  /**
   * A stream that appends what is piped into it, one chunk at a time (back-pressure reaches the
   * producer). A failed append (disk full) is reported to `onError` and the stream keeps going, so
   * a broken log never breaks the pipe of the process that writes it.
   */
  sink(onError: (error: Error) => void): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.append(chunk).then(
          () => done(),
          (error: Error) => {
            onError(error);
            done();
          },
        );
      },
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async write(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (rest.length > 0) {
      const handle = await this.openCurrent();
      if (this.size >= this.maxBytes) {
        await this.rotate();
        continue;
      }
      const part = rest.subarray(0, this.maxBytes - this.size);
      await handle.write(part);
      this.size += part.length;
      rest = rest.subarray(part.length);
    }
  }

  private async openCurrent(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, 'a');
    this.size = (await this.handle.stat()).size;
    return this.handle;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    if (this.keep === 0) {
      await rm(this.path, { force: true });
      return;
    }
    for (let index = this.keep - 1; index >= 1; index--) {
      await rename(`${this.path}.${index}`, `${this.path}.${index + 1}`).catch(ignoreMissing);
    }
    await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
