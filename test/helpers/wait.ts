/** Wait until `cond` returns a truthy value, polling; fail with `what` after `timeoutMs`. */
export async function waitFor<T> (cond: () => T | Promise<T>, what: string, timeoutMs = 15_000, intervalMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await cond()
      if (v) return v as NonNullable<T>
    } catch (err) {
      last = err
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last != null ? ` (last error: ${(last as Error).message})` : ''}`)
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}

/** Resolve with the detail of the first `type` event on `target` that matches, or reject after `timeoutMs`. */
export async function nextEvent<T> (target: EventTarget, type: string, match: (detail: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}`))
    }, timeoutMs)
    const listener = (evt: Event): void => {
      const detail = (evt as CustomEvent<T>).detail
      if (!match(detail)) return
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(detail)
    }
    target.addEventListener(type, listener)
  })
}
