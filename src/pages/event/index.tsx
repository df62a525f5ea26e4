import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'
import type { EventView } from '../../../cloud/src/api/models'
import { Badge, type BadgeTone } from '../../components/Badge'
import { EventDetail } from '../../components/EventDetail'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadState } from '../../components/LoadState'
import { eventBadge, eventSpan, type EventBadge } from '../../format/status'
import { formatMoment } from '../../format/time'
import { TEXT } from '../../i18n/zh-CN'
import { ROUTES } from '../../navigation'
import { selectEvents, selectEventsFreshness, selectLoad, useEventsStore } from '../../stores/events'
import './index.css'

const EVENT_TONE: Record<EventBadge, BadgeTone> = { open: 'positive', upcoming: 'info', soldOut: 'muted', closed: 'muted' }

function EventRow({ event, now }: { event: EventView; now: number }) {
  const badge = eventBadge(event, now)
  const span = eventSpan(event)
  return (
    <View
      className='card event-row'
      data-testid='event-row'
      role='button'
      onClick={() => void Taro.navigateTo({ url: ROUTES.event(event.id) })}
    >
      <View className='list-row__head'>
        <Text className='list-row__title'>{event.title}</Text>
        <Badge tone={EVENT_TONE[badge]} label={TEXT.eventBadge[badge]} />
      </View>
      <Text className='muted'>{event.venue}</Text>
      {span && <Text className='muted event-row__span'>{TEXT.eventSpan(formatMoment(span.startsAt), event.sessions.length)}</Text>}
    </View>
  )
}

/**
 * The 活动 tab: with one published event, the event itself (the common case: one organizer, one
 * event); with more, a list of them, each opening its own page.
 */
export default function EventsPage() {
  const events = useEventsStore(selectEvents)
  const freshness = useEventsStore(useShallow(selectEventsFreshness))
  const load = useEventsStore(selectLoad)
  const retry = () => void load()

  useDidShow(() => {
    void load()
  })

  if (events.length === 0) {
    return (
      <View className='page'>
        <LoadState status={freshness.status} error={freshness.error} onRetry={retry} emptyText={TEXT.noEvents} />
      </View>
    )
  }
  const now = Date.now()
  return (
    <View className='page'>
      <FreshnessNotice freshness={freshness} onRetry={retry} />
      {events.length === 1 ? (
        <EventDetail event={events[0]} now={now} />
      ) : (
        <View>
          <Text className='events__heading'>{TEXT.eventsHeading(events.length)}</Text>
          {events.map((event) => (
            <EventRow key={event.id} event={event} now={now} />
          ))}
        </View>
      )}
    </View>
  )
}
