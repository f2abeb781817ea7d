/**
 * Placeholder: the production ring buffer lands here.
 *
 * @module
 */
export {};
