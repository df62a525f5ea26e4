import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'
import type { TicketView } from '../../../cloud/src/api/models'
import { Badge, type BadgeTone } from '../../components/Badge'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadState } from '../../components/LoadState'
import { WechatOnly } from '../../components/WechatOnly'
import { ticketBadge, type TicketBadge } from '../../format/status'
import { formatSessionTime } from '../../format/time'
import { TEXT } from '../../i18n/zh-CN'
import { ROUTES, goToEvents } from '../../navigation'
import { capabilities } from '../../platform'
import { selectById, selectOrder, selectTicketsFreshness, useTicketsStore } from '../../stores/tickets'
import './index.css'

const TICKET_TONE: Record<TicketBadge, BadgeTone> = { active: 'positive', entered: 'info', ended: 'muted', cancelled: 'muted' }

function TicketRow({ ticket, now }: { ticket: TicketView; now: number }) {
  const badge = ticketBadge(ticket, now)
  // Cancelled and past tickets stay listed, but step back: the live ones are what people look for.
  const muted = badge === 'cancelled' || badge === 'ended'
  return (
    <View
      className={`card ticket-row ${muted ? 'ticket-row--muted' : ''}`}
      data-testid='ticket-row'
      role='button'
      onClick={() => void Taro.navigateTo({ url: ROUTES.ticket(ticket.id) })}
    >
      <View className='list-row__head'>
        <Text className='list-row__title ticket-row__title'>{ticket.eventTitle}</Text>
        <Badge tone={TICKET_TONE[badge]} label={TEXT.ticketBadge[badge]} testId='ticket-badge' />
      </View>
      <Text className='ticket-row__line'>{ticket.session.name}</Text>
      <Text className='ticket-row__line'>{formatSessionTime(ticket.session.startsAt, ticket.session.endsAt)}</Text>
      {ticket.erasedAt && <Text className='ticket-row__line'>{TEXT.ticketsRowErased}</Text>}
    </View>
  )
}

function MyTickets() {
  const freshness = useTicketsStore(useShallow(selectTicketsFreshness))
  const order = useTicketsStore(selectOrder)
  const byId = useTicketsStore(selectById)
  const loadMine = useTicketsStore((s) => s.loadMine)
  const retry = () => void loadMine()

  useDidShow(() => {
    void loadMine()
  })

  if (order.length === 0) {
    return (
      <View className='page'>
        <LoadState
          status={freshness.status}
          error={freshness.error}
          onRetry={retry}
          emptyText={TEXT.ticketsEmpty}
          emptyAction={{ label: TEXT.seeEvents, onClick: goToEvents }}
        />
      </View>
    )
  }
  const now = Date.now()
  return (
    <View className='page'>
      <FreshnessNotice freshness={freshness} onRetry={retry} />
      {order.map((id) => (
        <TicketRow key={id} ticket={byId[id]} now={now} />
      ))}
    </View>
  )
}

export default function TicketsPage() {
  return capabilities.signedIn ? (
    <MyTickets />
  ) : (
    <View className='page'>
      <WechatOnly title={TEXT.wechatOnlyTicketsTitle} />
    </View>
  )
}
