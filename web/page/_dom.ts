// Copyright 2025 the ringproof authors. MIT license.
/// <reference lib="dom" />
// Small DOM helpers for the page: look up elements, build HTML and SVG
// elements with attributes and children.

/** Attributes to set; `false`, `null` and `undefined` are left out. */
export type Attributes = Record<
  string,
  string | number | boolean | null | undefined
>;

/** A child: an element, or text. */
export type Child = Node | string;

function apply<E extends Element>(
  element: E,
  attributes: Attributes,
  children: readonly Child[],
): E {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children);
  return element;
}

/**
 * Creates an HTML element.
 *
 * @param tag The tag name.
 * @param attributes Its attributes.
 * @param children Its children.
 * @returns The element.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return apply(document.createElement(tag), attributes, children);
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * Creates an SVG element.
 *
 * @param tag The tag name.
 * @param attributes Its attributes.
 * @param children Its children.
 * @returns The element.
 */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  return apply(document.createElementNS(SVG, tag), attributes, children);
}

/**
 * The element with this id, checked to be of the expected class.
 *
 * @param id The id.
 * @param type The expected class, e.g. `HTMLButtonElement`.
 * @returns The element.
 * @throws {TypeError} When it is missing or of another class.
 */
export function byId<T extends Element>(
  id: string,
  type: abstract new () => T,
): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new TypeError(`Cannot find #${id} (a ${type.name})`);
  }
  return element;
}

/**
 * Formats a count with thousands separators.
 *
 * @param n The number.
 * @returns E.g. `1,234,567`.
 */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
