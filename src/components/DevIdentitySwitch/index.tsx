import { Button, Text, View } from '@tarojs/components'
import { DEV_TEXT } from '../../i18n/zh-CN'
import { DEV_ORGANIZER_OPENID, switchDevelopmentOpenid } from '../../services/devIdentity'

/**
 * Development builds on HTTP targets only (`npm run dev`, `dist-h5-dev/`): becomes the organizer
 * `npm run dev` configures, or a fresh attendee. Production bundles carry none of it (DEV_TEXT is
 * null there; test/mp/production-bundles.mp.test.ts checks the built files).
 */
export function DevIdentitySwitch({ openid, onSwitched }: { openid: string | null; onSwitched: () => void }) {
  // weapp gets its identity from WeChat: switching the stored id would change nothing there.
  if (!DEV_TEXT || process.env.TARO_ENV === 'weapp') return null
  const switchTo = async (next: string | null) => {
    await switchDevelopmentOpenid(next)
    onSwitched()
  }
  return (
    <View className='card' style={{ border: '2px dashed #9ca3af' }} data-testid='dev-identity'>
      <Text className='title'>{DEV_TEXT.heading}</Text>
      {openid && <Text className='muted workbench__line'>{DEV_TEXT.current(openid)}</Text>}
      <Text className='muted workbench__line'>{DEV_TEXT.hint}</Text>
      {openid === DEV_ORGANIZER_OPENID ? (
        <Button className='button-secondary' size='mini' onClick={() => void switchTo(null)}>
          {DEV_TEXT.toFresh}
        </Button>
      ) : (
        <Button className='button-secondary' size='mini' onClick={() => void switchTo(DEV_ORGANIZER_OPENID)}>
          {DEV_TEXT.toOrganizer}
        </Button>
      )}
    </View>
  )
}
