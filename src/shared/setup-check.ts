/** One line of `opsbot doctor`: what was checked, whether it is fine, what was found, and how to fix it when it is not. */
export interface SetupCheck {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}
