// Copyright 2025 the ringproof authors. MIT license.
// The Worker of bench/explorer_lines.ts.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

const TURN = 0; // whose turn: 0 Worker 0 writes, 1 Worker 1 reads

function waitTurn(ctl: Int32Array, turn: number): void {
  while (Atomics.load(ctl, TURN) !== turn) {
    // spin: both Workers are on their own core
  }
}

scope.onmessage = (e) => {
  const { sab, me, entries, turns } = e.data as {
    sab: SharedArrayBuffer;
    me: number;
    entries: number;
    turns: number;
  };
  const ctl = new Int32Array(sab, 0, 16);
  const stride = 5;
  const n = entries * stride;
  const queue = new Int32Array(sab, 256, n);
  const own = new Int32Array(sab, 256 + 4 * n, n);
  const out: Record<string, number> = {};
  let sink = 0;
  const write = (dst: Int32Array, seed: number) => {
    for (let i = 0; i < n; i += stride) {
      dst[i] = seed + i;
      dst[i + 1] = i;
      dst[i + 2] = seed;
      dst[i + 3] = i ^ seed;
      dst[i + 4] = i * 3;
    }
  };
  const read = (src: Int32Array) => {
    let s = 0;
    for (let i = 0; i < n; i += stride) {
      s =
        (s + src[i]! + src[i + 1]! + src[i + 2]! + src[i + 3]! + src[i + 4]!) |
        0;
    }
    return s;
  };
  const touch = (src: Int32Array) => {
    let s = 0;
    for (let i = 0; i < n; i += 16) s = (s + src[i]!) | 0;
    return s;
  };
  const pretouchWrite = (dst: Int32Array) => {
    for (let i = 0; i < n; i += 16) dst[i] = 0;
  };
  // Three phases, each `turns` turns: plain, reader pre-pass, writer pre-pass.
  for (let phase = 0; phase < 3; phase++) {
    let writeMs = 0;
    let readMs = 0;
    for (let t = 0; t < turns; t++) {
      if (me === 0) {
        waitTurn(ctl, 0);
        const t0 = performance.now();
        if (phase === 2) pretouchWrite(queue);
        write(queue, t);
        writeMs += performance.now() - t0;
        Atomics.store(ctl, TURN, 1);
      } else {
        waitTurn(ctl, 1);
        const t0 = performance.now();
        if (phase === 1) sink += touch(queue);
        sink += read(queue);
        readMs += performance.now() - t0;
        Atomics.store(ctl, TURN, 0);
      }
    }
    const per = (ms: number) => (ms * 1e6) / (turns * entries);
    if (phase === 0) {
      out.crossWrite = per(writeMs);
      out.crossRead = per(readMs);
    } else if (phase === 1) out.crossPrefetch = per(readMs);
    else out.crossPrewrite = per(writeMs);
  }
  if (me === 0) {
    let w = 0;
    let r = 0;
    for (let t = 0; t < turns; t++) {
      let t0 = performance.now();
      write(own, t);
      w += performance.now() - t0;
      t0 = performance.now();
      sink += read(own);
      r += performance.now() - t0;
    }
    out.ownWrite = (w * 1e6) / (turns * entries);
    out.ownRead = (r * 1e6) / (turns * entries);
  }
  out.sink = sink;
  scope.postMessage(out);
};
scope.postMessage("ready");
