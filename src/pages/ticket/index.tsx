import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import type { ApiError } from '../../../cloud/src/api/errors'
import { PrivacyPopup } from '../../components/PrivacyPopup'
import { TicketQr } from '../../components/TicketQr'
import { formatMoment, formatSessionTime } from '../../format/time'
import { TEXT, entryPolicyText, errorMessage } from '../../i18n/zh-CN'
import { capabilities } from '../../platform'
import { useEventsStore } from '../../stores/events'
import {
  selectCardPending,
  selectIsCancelling,
  selectIsCarding,
  selectIsErasing,
  selectTicket,
  useTicketsStore,
  type CardPackResult,
} from '../../stores/tickets'
import './index.css'

/**
 * A query value as the host hands it over: WeChat passes values as written (a card's encrypted
 * code may arrive percent-encoded), and base64 has no spaces, so a `+` read as a space goes back.
 */
function queryValue(raw: string | undefined): string {
  if (!raw) return ''
  let value = raw
  try {
    if (value.includes('%')) value = decodeURIComponent(value)
  } catch {
    // not percent-encoded after all
  }
  return value.replace(/ /g, '+')
}

/** The warning colour of destructive actions (also `.button-danger` in app.css). */
const ERASE_COLOUR = '#b91c1c'

function cardMessage(result: CardPackResult, failureText: string): string | null {
  if (result.kind === 'pending') return TEXT.cardPackPending
  if (result.kind !== 'failed') return null
  return result.error ? errorMessage(result.error.code) : failureText
}

export default function TicketPage() {
  const { params } = useRouter()
  const fromCard = params.card_id && params.encrypt_code ? { cardId: queryValue(params.card_id), encryptCode: queryValue(params.encrypt_code) } : null
  // Opened from the card pack, the page learns its ticket from the card's code.
  const [ticketId, setTicketId] = useState(queryValue(params.ticketId))
  const ticket = useTicketsStore(selectTicket(ticketId))
  const cancelling = useTicketsStore(selectIsCancelling(ticketId))
  const erasing = useTicketsStore(selectIsErasing(ticketId))
  const carding = useTicketsStore(selectIsCarding(ticketId))
  const cardPending = useTicketsStore(selectCardPending(ticketId))
  const loadOne = useTicketsStore((s) => s.loadOne)
  const loadFromCard = useTicketsStore((s) => s.loadFromCard)
  const cancel = useTicketsStore((s) => s.cancel)
  const erase = useTicketsStore((s) => s.erase)
  const addToCardPack = useTicketsStore((s) => s.addToCardPack)
  const openInCardPack = useTicketsStore((s) => s.openInCardPack)
  const [error, setError] = useState<ApiError | null>(null)
  const [cardNote, setCardNote] = useState<string | null>(null)
  // The entry rules are the event's: from the events list (read once if no page read it yet).
  const event = useEventsStore((s) => (ticket ? s.events.find((candidate) => candidate.id === ticket.eventId) : undefined))

  useDidShow(() => {
    if (useEventsStore.getState().status === 'idle') void useEventsStore.getState().load()
    if (ticketId || !fromCard) {
      void loadOne(ticketId).then(setError)
      return
    }
    void loadFromCard(fromCard.cardId, fromCard.encryptCode).then((found) => {
      if ('ticketId' in found) setTicketId(found.ticketId)
      else setError(found.error)
    })
  })

  if (!ticket) {
    return (
      <View className='page'>
        <View className='empty'>{error ? <Text className='error-text'>{errorMessage(error.code)}</Text> : TEXT.loading}</View>
      </View>
    )
  }

  const active = ticket.status === 'active'
  const erased = Boolean(ticket.erasedAt)
  const onCancel = async () => {
    const { confirm } = await Taro.showModal({ title: TEXT.cancelConfirmTitle, content: TEXT.cancelConfirmContent })
    if (!confirm) return
    const failure = await cancel(ticket.id)
    setError(failure)
    if (!failure) void Taro.showToast({ title: TEXT.cancelled, icon: 'success' })
  }

  const onErase = async () => {
    const { confirm } = await Taro.showModal({
      title: TEXT.eraseConfirmTitle,
      content: TEXT.eraseConfirmContent,
      cancelText: TEXT.eraseConfirmKeep,
      confirmText: TEXT.eraseConfirmErase,
      confirmColor: ERASE_COLOUR,
    })
    if (!confirm) return
    const failure = await erase(ticket.id)
    setError(failure)
    if (!failure) void Taro.showToast({ title: TEXT.erased, icon: 'success' })
  }

  const onAddToCardPack = async () => {
    setCardNote(null)
    setCardNote(cardMessage(await addToCardPack(ticket.id), TEXT.cardPackAddFailed))
  }
  const onOpenCardPack = async () => {
    setCardNote(null)
    setCardNote(cardMessage(await openInCardPack(ticket.id), TEXT.cardPackOpenFailed))
  }
  const showCardPack = capabilities.cardPack && active && ticket.cardPack !== 'unavailable'

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
            <Text className={erased ? 'muted' : ''}>{erased ? TEXT.ticketFieldErased : ticket.attendee.name}</Text>
          </View>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketPhone}</Text>
            <Text className={erased ? 'muted' : ''}>{erased ? TEXT.ticketFieldErased : ticket.attendee.phone}</Text>
          </View>
          <View className='ticket__row'>
            <Text className='muted'>{TEXT.ticketEntries}</Text>
            <Text data-testid='ticket-entries'>
              {ticket.entries.used > 0 && ticket.entries.firstAt ? TEXT.ticketEntriesUsed(ticket.entries.used, formatMoment(ticket.entries.firstAt)) : TEXT.ticketEntriesNone}
            </Text>
          </View>
          {event && (
            <View className='ticket__row'>
              <Text className='muted ticket__label'>{TEXT.ticketEntryPolicy}</Text>
              <Text className='ticket__value' data-testid='ticket-entry-policy'>
                {entryPolicyText(event.entry)}
              </Text>
            </View>
          )}
        </View>
        {ticket.erasedAt && (
          <Text className='muted ticket__erased' data-testid='ticket-erased'>
            {TEXT.ticketDataErased(formatMoment(ticket.erasedAt))}
          </Text>
        )}
      </View>
      {!capabilities.cardPack && active && <Text className='muted ticket__note'>{TEXT.cardPackUnsupported}</Text>}
      {showCardPack && ticket.cardPack === 'added' && (
        <Button className='button-primary' onClick={() => void onOpenCardPack()}>
          {TEXT.viewInCardPack}
        </Button>
      )}
      {showCardPack && ticket.cardPack === 'available' && !cardPending && (
        <Button className='button-primary' disabled={carding} loading={carding} onClick={() => void onAddToCardPack()}>
          {carding ? TEXT.addingToCardPack : TEXT.addToCardPack}
        </Button>
      )}
      {cardNote && (
        <Text className='muted ticket__note' data-testid='card-note'>
          {cardNote}
        </Text>
      )}
      {error && <Text className='error-text'>{errorMessage(error.code)}</Text>}
      {ticket.cancellable && (
        <Button className='button-secondary' disabled={cancelling} loading={cancelling} onClick={() => void onCancel()}>
          {TEXT.cancelTicket}
        </Button>
      )}
      {ticket.erasable && (
        <Button className='button-danger ticket__erase' disabled={erasing} loading={erasing} onClick={() => void onErase()}>
          {TEXT.eraseData}
        </Button>
      )}
      {/* WeChat may ask for its privacy authorization when the card pack is used. */}
      <PrivacyPopup />
    </View>
  )
}
