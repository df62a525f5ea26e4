/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.css'

/** Base URL of the HTTP gateway for non-weapp targets, set at build time in config/index.ts. */
declare const API_BASE: string
/** True in builds wired to the local development backend (dev identity, simulator wallet). */
declare const DEV_BACKEND: boolean
/** The CloudBase environment id weapp's cloud call uses (`TICKETCARD_CLOUD_ENV`); empty: WeChat's default environment. */
declare const CLOUD_ENV: string

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5' | 'alipay' | 'tt' | 'swan' | 'qq' | 'jd'
    [key: string]: string | undefined
  }
}

// Deep imports used by the jsdom shim of @tarojs/components (test/support/components.ts).
declare module '@tarojs/components-react/dist/components/view/index.js'
declare module '@tarojs/components-react/dist/components/text/index.js'
declare module '@tarojs/components-react/dist/components/scroll-view/index.js'

// co-wechat-api ships no typings; bench/fixtures/coWechatApi.ts uses this much of it.
declare module 'co-wechat-api' {
  export default class API {
    constructor(appid: string, appsecret: string)
    prefix: string
    getTicket(type: string): Promise<{ ticket: string; expireTime: number }>
    ensureAccessToken(): Promise<{ accessToken: string; expireTime: number }>
  }
}
