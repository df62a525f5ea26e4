import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import type { ApiError } from '../../../cloud/src/api/errors'
import { TicketQr } from '../../components/TicketQr'
import { formatSessionTime } from '../../format/time'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import { capabilities } from '../../platform'
import { selectIsCancelling, selectTicket, useTicketsStore } from '../../stores/tickets'
import './index.css'

export default function TicketPage() {
  const { params } = useRouter()
  const ticketId = params.ticketId ?? ''
  const ticket = useTicketsStore(selectTicket(ticketId))
  const cancelling = useTicketsStore(selectIsCancelling(ticketId))
  const loadOne = useTicketsStore((s) => s.loadOne)
  const cancel = useTicketsStore((s) => s.cancel)
  const [error, setError] = useState<ApiError | null>(null)

  useDidShow(() => {
    void loadOne(ticketId).then(setError)
  })

  if (!ticket) {
    return (
      <View className='page'>
        <View className='empty'>{error ? <Text className='error-text'>{errorMessage(error.code)}</Text> : TEXT.loading}</View>
      </View>
    )
  }

  const active = ticket.status === 'active'
  const onCancel = async () => {
    const { confirm } = await Taro.showModal({ title: TEXT.cancelConfirmTitle, content: TEXT.cancelConfirmContent })
    if (!confirm) return
    const failure = await cancel(ticket.id)
    setError(failure)
    if (!failure) void Taro.showToast({ title: TEXT.cancelled, icon: 'success' })
  }

  return (
    <View className='page'>
      <View className='card ticket'>
        <Text className='title'>{ticket.eventTitle}</Text>
        <Text className={`ticket__status ticket__status--${ticket.status}`} data-testid='ticket-status'>
          {active ? TEXT.ticketStatusActive : TEXT.ticketStatusCancelled}
        </Text>
        <TicketQr code={ticket.code} dimmed={!active} />
        {active && <Text className='muted ticket__hint'>{TEXT.showAtGate}</Text>}
        <View className='ticket__rows'>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketSession}</Text>
            <Text>
              {ticket.session.name} · {formatSessionTime(ticket.session.startsAt, ticket.session.endsAt)}
            </Text>
          </View>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketPlace}</Text>
            <Text>{ticket.session.place && ticket.session.place !== ticket.venue ? `${ticket.venue} ${ticket.session.place}` : ticket.venue}</Text>
          </View>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketAttendee}</Text>
            <Text>{ticket.attendee.name}</Text>
          </View>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketPhone}</Text>
            <Text>{ticket.attendee.phone}</Text>
          </View>
        </View>
      </View>
      {!capabilities.cardPack && active && <Text className='muted ticket__note'>{TEXT.cardPackUnsupported}</Text>}
      {error && <Text className='error-text'>{errorMessage(error.code)}</Text>}
      {ticket.cancellable && (
        <Button className='button-secondary' disabled={cancelling} loading={cancelling} onClick={() => void onCancel()}>
          {TEXT.cancelTicket}
        </Button>
      )}
    </View>
  )
}
