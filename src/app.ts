import { type PropsWithChildren } from 'react'
import Taro, { useLaunch, usePageNotFound } from '@tarojs/taro'
import { ROUTES } from './navigation'
import { initPlatform } from './platform'
import { initPrivacyAuthorization } from './stores/privacy'
import './app.css'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initPlatform()
    initPrivacyAuthorization()
  })
  // An old share or a mistyped path: the events page, not a blank screen. WeChat requires the
  // redirect to happen inside this callback.
  usePageNotFound(() => {
    void Taro.reLaunch({ url: ROUTES.events })
  })
  return children
}

export default App
