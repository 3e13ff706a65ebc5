/** Keeps only the last `limit` bytes written to it: the end of a command's output, without holding all of it. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0]!.length >= this.limit) {
      this.bytes -= this.chunks.shift()!.length;
      this.dropped = true;
    }
  }

  /** The kept output as text, trimmed, with `…` in front when earlier output was left out. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(Math.max(0, all.length - this.limit));
    const cut = this.dropped || kept.length < all.length;
    const text = kept.toString('utf8').replace(/^\uFFFD+/, '').trim();
    return cut && text ? `…${text}` : text;
  }
}
