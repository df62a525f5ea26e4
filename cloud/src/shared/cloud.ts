import * as cloud from 'wx-server-sdk'

let initialized = false

/**
 * The wx-server-sdk, initialised once per instance for whatever environment runs the function
 * (CloudBase in production, the local emulator in development: only environment variables differ).
 */
export function sdk(): typeof cloud {
  if (!initialized) {
    // The typings declare DYNAMIC_CURRENT_ENV a symbol while init() wants a string.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
    initialized = true
  }
  return cloud
}
