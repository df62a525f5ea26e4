import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { SessionView } from '../../../cloud/src/api/models'
import { formatSessionTime } from '../../format/time'
import { LoadState } from '../../components/LoadState'
import { TEXT } from '../../i18n/zh-CN'
import { selectError, selectFeaturedEvent, selectLoad, selectStatus, useEventsStore } from '../../stores/events'
import './index.css'

function SessionRow({ session }: { session: SessionView }) {
  const soldOut = session.remaining <= 0
  const open = () => {
    if (!soldOut) void Taro.navigateTo({ url: `/pages/reserve/index?sessionId=${encodeURIComponent(session.id)}` })
  }
  return (
    <View className={`session ${soldOut ? 'session--sold-out' : ''}`} onClick={open} data-testid='session-row'>
      <View className='session__main'>
        <Text className='session__name'>{session.name}</Text>
        <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
      </View>
      <Text className='session__seats'>{soldOut ? TEXT.soldOut : TEXT.remaining(session.remaining)}</Text>
    </View>
  )
}

export default function EventPage() {
  const status = useEventsStore(selectStatus)
  const error = useEventsStore(selectError)
  const event = useEventsStore(selectFeaturedEvent)
  const load = useEventsStore(selectLoad)

  useDidShow(() => {
    void load()
  })

  if (!event) {
    return (
      <View className='page'>
        <LoadState status={status} error={error} onRetry={() => void load()} emptyText={TEXT.noEvents} />
      </View>
    )
  }

  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{event.title}</Text>
        <Text className='muted'>{event.venue}</Text>
        <View className='event__description'>
          <Text>{event.description}</Text>
        </View>
      </View>
      <View className='card'>
        <Text className='section-heading'>{TEXT.sessionsHeading}</Text>
        {event.sessions.map((session) => (
          <SessionRow key={session.id} session={session} />
        ))}
      </View>
    </View>
  )
}
