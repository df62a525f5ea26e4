import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { formatSessionTime } from '../../format/time'
import { LoadState } from '../../components/LoadState'
import { TEXT } from '../../i18n/zh-CN'
import { selectById, selectOrder, selectTicketsError, selectTicketsStatus, useTicketsStore } from '../../stores/tickets'

export default function TicketsPage() {
  const status = useTicketsStore(selectTicketsStatus)
  const error = useTicketsStore(selectTicketsError)
  const order = useTicketsStore(selectOrder)
  const byId = useTicketsStore(selectById)
  const loadMine = useTicketsStore((s) => s.loadMine)

  useDidShow(() => {
    void loadMine()
  })

  if (order.length === 0) {
    return (
      <View className='page'>
        <LoadState status={status} error={error} onRetry={() => void loadMine()} emptyText={TEXT.ticketsEmpty} />
      </View>
    )
  }
  return (
    <View className='page'>
      {order.map((id) => {
        const ticket = byId[id]
        return (
          <View key={id} className='card' data-testid='ticket-row' onClick={() => void Taro.navigateTo({ url: `/pages/ticket/index?ticketId=${id}` })}>
            <Text className='title'>{ticket.eventTitle}</Text>
            <Text className='muted'>
              {ticket.session.name} · {formatSessionTime(ticket.session.startsAt, ticket.session.endsAt)}
            </Text>
            <Text className='muted'>
              {ticket.status === 'active' ? TEXT.ticketStatusActive : TEXT.ticketStatusCancelled}
              {ticket.erasedAt ? ` · ${TEXT.ticketsRowErased}` : ''}
            </Text>
          </View>
        )
      })}
    </View>
  )
}
