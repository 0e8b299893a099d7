/** asl-validator 4 ships no types; the part the tests use. */
declare module 'asl-validator' {
  interface Validation {
    readonly isValid: boolean;
    readonly errors: readonly unknown[];
  }
  export default function aslValidator(definition: unknown): Validation;
}
