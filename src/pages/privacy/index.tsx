import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useEffect } from 'react'
import { PRIVACY_NOTICE_VERSION } from '../../../cloud/src/api/privacy'
import { PAGE_TITLES, PRIVACY_NOTICE } from '../../i18n/zh-CN'
import { wechatPrivacy } from '../../platform'
import { selectLoad, selectStatus, useEventsStore } from '../../stores/events'
import './index.css'

/**
 * The notice is long and holds nothing else to focus: focusable itself, a keyboard can scroll it
 * (axe: scrollable-region-focusable). Taro's View typings omit tabIndex; H5 passes it through.
 */
const KEYBOARD_SCROLLABLE = { tabIndex: 0 } as Record<string, unknown>

/**
 * The full privacy notice the reservation form links to. It stands alone (a shared link or a
 * reload opens it with nothing loaded): the retention period comes from the events it loads.
 */
export default function PrivacyPage() {
  const { params } = useRouter()
  const status = useEventsStore(selectStatus)
  const load = useEventsStore(selectLoad)
  const retentionDays = useEventsStore((s) => (s.events.find((e) => e.id === params.eventId) ?? s.events[0])?.dataRetentionDays ?? null)

  useEffect(() => {
    if (status === 'idle') void load()
  }, [status, load])

  return (
    <View className='page' {...KEYBOARD_SCROLLABLE} role='region' aria-label={PAGE_TITLES.privacy}>
      <View className='card privacy'>
        <Text className='title'>{PRIVACY_NOTICE.title}</Text>
        <Text className='muted privacy__version' data-testid='privacy-version'>
          {PRIVACY_NOTICE.version(PRIVACY_NOTICE_VERSION)}
        </Text>
        <Text className='privacy__intro'>{PRIVACY_NOTICE.intro}</Text>
        {PRIVACY_NOTICE.sections(retentionDays).map((section) => (
          <View key={section.heading} className='privacy__section'>
            <Text className='privacy__heading'>{section.heading}</Text>
            <Text className='privacy__body'>{section.body}</Text>
          </View>
        ))}
      </View>
      {wechatPrivacy && (
        <Button className='button-secondary' onClick={() => void wechatPrivacy?.openContract()}>
          {PRIVACY_NOTICE.wechatContract}
        </Button>
      )}
    </View>
  )
}
