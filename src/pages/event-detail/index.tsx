import { View } from '@tarojs/components'
import { useDidShow, useRouter } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'
import { EventDetail } from '../../components/EventDetail'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadingOrNotFound } from '../../components/LoadState'
import { SEE_ALL_EVENTS } from '../../components/PageMessage'
import { TEXT } from '../../i18n/zh-CN'
import { selectEvent, selectEventsFreshness, selectLoad, useEventsStore } from '../../stores/events'

/** One event of several, by link (`?eventId=`): it loads what it needs, so a reload or share works. */
export default function EventDetailPage() {
  const { params } = useRouter()
  const eventId = params.eventId ?? ''
  const event = useEventsStore(selectEvent(eventId))
  const freshness = useEventsStore(useShallow(selectEventsFreshness))
  const load = useEventsStore(selectLoad)
  const retry = () => void load()

  useDidShow(() => {
    void load()
  })

  if (!event) {
    // Only a list that just arrived can say the event is not there.
    return (
      <LoadingOrNotFound
        status={freshness.status}
        error={freshness.error}
        onRetry={retry}
        missing={freshness.status === 'ready'}
        notFound={{ title: TEXT.eventNotFoundTitle, body: TEXT.eventNotFound, actions: [{ ...SEE_ALL_EVENTS, primary: true }] }}
      />
    )
  }
  return (
    <View className='page'>
      <FreshnessNotice freshness={freshness} onRetry={retry} />
      <EventDetail event={event} now={Date.now()} />
    </View>
  )
}
