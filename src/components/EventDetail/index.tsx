import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { EventView, SessionView } from '../../../cloud/src/api/models'
import { sessionBadge, type SessionBadge } from '../../format/status'
import { formatMoment, formatSessionTime } from '../../format/time'
import { TEXT } from '../../i18n/zh-CN'
import { ROUTES } from '../../navigation'
import { Badge, type BadgeTone } from '../Badge'
import './index.css'

const SESSION_TONE: Record<SessionBadge, BadgeTone> = { available: 'positive', soldOut: 'muted', started: 'muted' }

function sessionLabel(badge: SessionBadge, session: SessionView): string {
  if (badge === 'available') return TEXT.remaining(session.remaining)
  return badge === 'soldOut' ? TEXT.soldOut : TEXT.sessionStarted
}

function SessionRow({ session, now, bookable }: { session: SessionView; now: number; bookable: boolean }) {
  const badge = sessionBadge(session, now)
  const open = bookable && badge === 'available'
  const onTap = () => {
    if (open) void Taro.navigateTo({ url: ROUTES.reserve(session.id) })
  }
  return (
    <View
      className={`session ${open ? '' : 'session--closed'}`}
      onClick={onTap}
      data-testid='session-row'
      role='button'
      aria-disabled={!open}
    >
      <View className='session__main'>
        <Text className='session__name'>{session.name}</Text>
        <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
        {session.place && <Text className='muted'>{session.place}</Text>}
      </View>
      <Badge tone={SESSION_TONE[badge]} label={sessionLabel(badge, session)} />
    </View>
  )
}

/** An event and its sessions; a session that can be reserved opens the form. */
export function EventDetail({ event, now }: { event: EventView; now: number }) {
  const notYet = now < new Date(event.reservationOpensAt).getTime()
  const closed = now >= new Date(event.reservationClosesAt).getTime()
  return (
    <View>
      <View className='card'>
        <Text className='title'>{event.title}</Text>
        <Text className='muted'>{event.venue}</Text>
        <View className='event__description'>
          <Text>{event.description}</Text>
        </View>
      </View>
      <View className='card'>
        <Text className='section-heading'>{TEXT.sessionsHeading}</Text>
        {notYet && <Text className='event__window'>{TEXT.reservationOpensAt(formatMoment(event.reservationOpensAt))}</Text>}
        {closed && <Text className='event__window'>{TEXT.reservationClosed}</Text>}
        {event.sessions.map((session) => (
          <SessionRow key={session.id} session={session} now={now} bookable={!notYet && !closed} />
        ))}
      </View>
    </View>
  )
}
