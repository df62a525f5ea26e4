/** The `errMsg` a host API failed with (`addCard:fail cancel`...), or the error as text. */
export function errMsgOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : String(err)
}
