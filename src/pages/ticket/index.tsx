import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import type { ApiError } from '../../../cloud/src/api/errors'
import type { TicketView } from '../../../cloud/src/api/models'
import { Badge, type BadgeTone } from '../../components/Badge'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadingOrNotFound, NotFoundPage } from '../../components/LoadState'
import { SEE_ALL_EVENTS } from '../../components/PageMessage'
import { PrivacyPopup } from '../../components/PrivacyPopup'
import { WechatOnly } from '../../components/WechatOnly'
import { ticketBadge, type TicketBadge } from '../../format/status'
import { TicketQr } from '../../components/TicketQr'
import { formatMoment, formatSessionTime } from '../../format/time'
import { TEXT, entryPolicyText, errorMessage, reminderProblem } from '../../i18n/zh-CN'
import { goToTickets } from '../../navigation'
import { capabilities } from '../../platform'
import { useEventsStore } from '../../stores/events'
import { selectAsk, selectCanAsk, selectIsAsking, selectLoadTemplates, useRemindersStore } from '../../stores/reminders'
import {
  selectCardPending,
  selectIsCancelling,
  selectIsCarding,
  selectIsErasing,
  selectLoadedAt,
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
const WARNING_COLOUR = '#b91c1c'

const TICKET_TONE: Record<TicketBadge, BadgeTone> = { active: 'positive', entered: 'info', ended: 'muted', cancelled: 'muted' }

function cardMessage(result: CardPackResult, failureText: string): string | null {
  if (result.kind === 'pending') return TEXT.cardPackPending
  if (result.kind === 'refused') return TEXT.cardPackRefused
  if (result.kind !== 'failed') return null
  return result.error ? errorMessage(result.error.code) : failureText
}

/**
 * Whether the owner hears before the session (a row of the ticket), and, while it can still help
 * (an active ticket whose session has not started), one tap to ask again.
 */
function ReminderRow({ ticket }: { ticket: TicketView }) {
  const canAsk = useRemindersStore(selectCanAsk)
  const asking = useRemindersStore(selectIsAsking(ticket.id))
  const ask = useRemindersStore(selectAsk)
  const [problem, setProblem] = useState<string | null>(null)
  const { state } = ticket.reminders
  const upcoming = new Date(ticket.session.startsAt).getTime() > Date.now()
  const turnOn = () => {
    setProblem(null)
    void ask(ticket.id).then((answer) => {
      setProblem(reminderProblem(answer))
      if (answer.kind === 'recorded' && answer.state === 'on') void Taro.showToast({ title: TEXT.reminderOn, icon: 'success' })
    })
  }
  return (
    <>
      <View className='ticket__row ticket__reminder-row'>
        <Text className='muted'>{TEXT.ticketReminders}</Text>
        <View className='ticket__reminder-value'>
          <Text data-testid='ticket-reminders'>{TEXT.ticketRemindersState[state]}</Text>
          {canAsk && state !== 'on' && upcoming && (
            <Button className='button-secondary ticket__reminder-ask' size='mini' disabled={asking} loading={asking} onClick={turnOn}>
              {asking ? TEXT.reminderTurningOn : TEXT.reminderAskAgain}
            </Button>
          )}
        </View>
      </View>
      {problem && (
        <View className='ticket__reminder-problem' role='alert' data-testid='reminder-problem'>
          <Text className='error-text'>{problem}</Text>
        </View>
      )}
    </>
  )
}

type TicketLoad = { status: 'loading' | 'ready' | 'error'; error: ApiError | null }

/** Where someone goes from a ticket page with no ticket to show. */
const TICKET_WAYS_ON = [
  { label: TEXT.myTickets, onClick: goToTickets, primary: true },
  SEE_ALL_EVENTS,
]

function TicketPageBody({ params }: { params: Record<string, string | undefined> }) {
  const fromCard = params.card_id && params.encrypt_code ? { cardId: queryValue(params.card_id), encryptCode: queryValue(params.encrypt_code) } : null
  // Opened from the card pack, the page learns its ticket from the card's code.
  const [ticketId, setTicketId] = useState(queryValue(params.ticketId))
  const ticket = useTicketsStore(selectTicket(ticketId))
  const loadedAt = useTicketsStore(selectLoadedAt(ticketId))
  const cancelling = useTicketsStore(selectIsCancelling(ticketId))
  const erasing = useTicketsStore(selectIsErasing(ticketId))
  const carding = useTicketsStore(selectIsCarding(ticketId))
  const cardPending = useTicketsStore(selectCardPending(ticketId))
  const loadOne = useTicketsStore((s) => s.loadOne)
  const loadReminderTemplates = useRemindersStore(selectLoadTemplates)
  const canAskReminders = useRemindersStore(selectCanAsk)
  const loadFromCard = useTicketsStore((s) => s.loadFromCard)
  const cancel = useTicketsStore((s) => s.cancel)
  const erase = useTicketsStore((s) => s.erase)
  const addToCardPack = useTicketsStore((s) => s.addToCardPack)
  const openInCardPack = useTicketsStore((s) => s.openInCardPack)
  const [load, setLoad] = useState<TicketLoad>({ status: 'loading', error: null })
  const [actionError, setActionError] = useState<ApiError | null>(null)
  const [cardNote, setCardNote] = useState<string | null>(null)
  // The entry rules are the event's: from the events list (read once if no page read it yet).
  const event = useEventsStore((s) => (ticket ? s.events.find((candidate) => candidate.id === ticket.eventId) : undefined))

  const refresh = () => {
    if (!ticketId && !fromCard) return
    setLoad({ status: 'loading', error: null })
    if (ticketId) {
      void loadOne(ticketId).then((error) => setLoad(error ? { status: 'error', error } : { status: 'ready', error: null }))
      return
    }
    if (!fromCard) return
    void loadFromCard(fromCard.cardId, fromCard.encryptCode).then((found) => {
      if ('ticketId' in found) {
        setTicketId(found.ticketId)
        setLoad({ status: 'ready', error: null })
      } else setLoad({ status: 'error', error: found.error })
    })
  }

  useDidShow(() => {
    if (useEventsStore.getState().status === 'idle') void useEventsStore.getState().load()
    refresh()
    // Read before the tap that asks again: WeChat shows its sheet only while the tap is handled.
    void loadReminderTemplates()
  })

  if (!ticketId && !fromCard) return <NotFoundPage title={TEXT.ticketMissingTitle} body={TEXT.ticketMissing} actions={TICKET_WAYS_ON} />

  if (!ticket) {
    return (
      <LoadingOrNotFound
        status={load.status}
        error={load.error}
        onRetry={refresh}
        missing={load.error?.code === 'NOT_FOUND'}
        notFound={{ title: TEXT.ticketNotFoundTitle, body: TEXT.ticketNotFound, actions: TICKET_WAYS_ON }}
      />
    )
  }

  const active = ticket.status === 'active'
  const erased = Boolean(ticket.erasedAt)
  const onCancel = async () => {
    const { confirm } = await Taro.showModal({
      title: TEXT.cancelConfirmTitle,
      content: TEXT.cancelConfirmContent,
      cancelText: TEXT.cancelConfirmKeep,
      confirmText: TEXT.cancelConfirmCancel,
      confirmColor: WARNING_COLOUR,
    })
    if (!confirm) return
    const failure = await cancel(ticket.id)
    setActionError(failure)
    if (!failure) void Taro.showToast({ title: TEXT.cancelled, icon: 'success' })
  }

  const onErase = async () => {
    const { confirm } = await Taro.showModal({
      title: TEXT.eraseConfirmTitle,
      content: TEXT.eraseConfirmContent,
      cancelText: TEXT.eraseConfirmKeep,
      confirmText: TEXT.eraseConfirmErase,
      confirmColor: WARNING_COLOUR,
    })
    if (!confirm) return
    const failure = await erase(ticket.id)
    setActionError(failure)
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

  const badge = ticketBadge(ticket, Date.now())
  return (
    <View className='page'>
      <FreshnessNotice freshness={{ status: load.status, error: load.error, updatedAt: loadedAt }} onRetry={refresh} />
      <View className={`card ticket ${active ? '' : 'ticket--inactive'}`}>
        <Text className='title'>{ticket.eventTitle}</Text>
        <Badge tone={TICKET_TONE[badge]} label={TEXT.ticketBadge[badge]} testId='ticket-status' />
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
          {/* Off says something only where it can be turned on: this host, templates at hand. */}
          {active && (canAskReminders || ticket.reminders.state === 'on') && <ReminderRow ticket={ticket} />}
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
      {actionError && (
        <View className='ticket__action-error' role='alert'>
          <Text className='error-text'>{errorMessage(actionError.code)}</Text>
        </View>
      )}
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

export default function TicketPage() {
  const { params } = useRouter()
  if (!capabilities.signedIn) {
    return (
      <View className='page'>
        <WechatOnly title={TEXT.wechatOnlyTicketsTitle} />
      </View>
    )
  }
  return <TicketPageBody params={params} />
}
