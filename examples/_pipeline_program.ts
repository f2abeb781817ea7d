// What flows through the pipeline: the compiler emits assembly instructions,
// the assembler turns each into an object-code word at an address, and the
// loader places the words in memory. Both rings carry structs.

/** Ring 1 (compiler → assembler): one assembly instruction per slot. */
export const INSTRUCTION = {
  struct: { line: "uint32", opcode: "uint8", operand: "int32" },
} as const;

/** Ring 2 (assembler → loader): one object-code word per slot. */
export const OBJECT_WORD = {
  struct: { address: "uint32", word: "uint32" },
} as const;

export interface Instruction {
  line: number;
  opcode: number;
  operand: number;
}

export interface ObjectWord {
  address: number;
  word: number;
}

const MNEMONICS = ["LOAD", "ADD", "STORE", "JUMP"] as const;

/** The compiler's output for source line `line`: a made-up but fixed program. */
export function compile(line: number): Instruction {
  return {
    line,
    opcode: line % MNEMONICS.length,
    operand: (line * 37) % 1000,
  };
}

/** The assembler: opcode in the top byte, operand below, 4 bytes a word. */
export function assemble(instruction: Instruction): ObjectWord {
  return {
    address: instruction.line * 4,
    word: ((instruction.opcode << 24) | instruction.operand) >>> 0,
  };
}

/** FNV-1a over loaded words: what the loader must end up with. */
export class MemoryChecksum {
  #hash = 0x811c9dc5;

  add(word: ObjectWord): void {
    this.#hash = Math.imul(this.#hash ^ word.address, 0x01000193) >>> 0;
    this.#hash = Math.imul(this.#hash ^ word.word, 0x01000193) >>> 0;
  }

  /** The checksum as 8 hex digits. */
  get hex(): string {
    return this.#hash.toString(16).padStart(8, "0");
  }
}

/** The checksum a correct pipeline produces for `lines` source lines. */
export function expectedChecksum(lines: number): string {
  const checksum = new MemoryChecksum();
  for (let line = 0; line < lines; line++) {
    checksum.add(assemble(compile(line)));
  }
  return checksum.hex;
}
