/**
 * Placeholder: the pure model of the textbook bounded buffer lands here.
 *
 * @module
 */
export {};
