import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initPlatform } from './platform'
import { initPrivacyAuthorization } from './stores/privacy'
import './app.css'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initPlatform()
    initPrivacyAuthorization()
  })
  return children
}

export default App
