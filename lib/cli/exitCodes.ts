/** Exit codes shared by every command (DESIGN §3.1). */
export const EXIT = {
  ok: 0,
  belowThreshold: 1,
  inputError: 2,
  partial: 3,
} as const;
