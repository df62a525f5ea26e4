import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { EventView, IdRefusalView } from '../../../cloud/src/api/models'
import { formatMoment } from '../../format/time'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import { selectLoad, useEventsStore } from '../../stores/events'
import { selectIsReleasing, selectRefusals, useOrganizerStore } from '../../stores/organizer'
import './index.css'

function RefusalRow({ eventId, refusal }: { eventId: string; refusal: IdRefusalView }) {
  const releasing = useOrganizerStore(selectIsReleasing(refusal.id))
  const release = useOrganizerStore((s) => s.release)
  const onRelease = async () => {
    const { confirm } = await Taro.showModal({
      title: TEXT.releaseConfirmTitle,
      content: TEXT.releaseConfirmContent,
      cancelText: TEXT.releaseConfirmKeep,
      confirmText: TEXT.releaseConfirmRelease,
    })
    if (!confirm) return
    const outcome = await release(eventId, refusal.id)
    if (!outcome) return
    if ('error' in outcome) void Taro.showToast({ title: errorMessage(outcome.error.code), icon: 'none' })
    else void Taro.showToast({ title: TEXT.released(outcome.releasedTickets), icon: 'success' })
  }
  return (
    <View className='refusal' data-testid='refusal-row'>
      <Text className='refusal__line'>
        {formatMoment(refusal.at)} · {refusal.sessionName}
      </Text>
      <Text className='refusal__line'>
        {TEXT.refusalIdType(refusal.idType)} {refusal.maskedIdNumber} · {refusal.maskedName}
      </Text>
      <Text className='muted refusal__line'>{TEXT.refusalAttempts(refusal.attempts)}</Text>
      {refusal.releasedAt ? (
        <Text className='muted refusal__line'>{TEXT.refusalReleased(formatMoment(refusal.releasedAt))}</Text>
      ) : (
        <Button className='button-secondary refusal__release' size='mini' disabled={releasing} loading={releasing} onClick={() => void onRelease()}>
          {TEXT.releaseIdHold}
        </Button>
      )}
    </View>
  )
}

function EventRefusals({ event }: { event: EventView }) {
  const list = useOrganizerStore(selectRefusals(event.id))
  const loadRefusals = useOrganizerStore((s) => s.loadRefusals)
  let body
  if (!list || (list.status === 'loading' && list.refusals.length === 0)) body = <Text className='muted'>{TEXT.loading}</Text>
  else if (list.status === 'error' && list.error) {
    body = (
      <View>
        <Text className='error-text'>{errorMessage(list.error.code)}</Text>
        <Button className='button-secondary' size='mini' onClick={() => void loadRefusals(event.id)}>
          {TEXT.retry}
        </Button>
      </View>
    )
  } else if (list.refusals.length === 0) body = <Text className='muted'>{TEXT.organizerRefusalsEmpty}</Text>
  else body = list.refusals.map((refusal) => <RefusalRow key={refusal.id} eventId={event.id} refusal={refusal} />)
  return (
    <View className='organizer__event'>
      <Text className='organizer__event-title'>{event.title}</Text>
      {body}
    </View>
  )
}

/**
 * The organizer's desk. For now: check-in, and the ID-number refusals of each published event
 * (masked, released after the organizer checks the document in person). A redesign will follow.
 */
export default function OrganizerPage() {
  const events = useEventsStore((s) => s.events)
  const loadEvents = useEventsStore(selectLoad)
  const refusals = useOrganizerStore((s) => s.refusals)
  const loadRefusals = useOrganizerStore((s) => s.loadRefusals)
  // FORBIDDEN is the backend saying "not your event": such events are left out, not shown as errors.
  const organized = events.filter((event) => refusals[event.id]?.error?.code !== 'FORBIDDEN')
  const organizesNothing = events.length > 0 && organized.length === 0

  useDidShow(() => {
    void loadEvents().then(() => {
      for (const event of useEventsStore.getState().events) void loadRefusals(event.id)
    })
  })

  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{TEXT.organizerHeading}</Text>
        <Text className='muted'>{TEXT.organizerStatsPlaceholder}</Text>
      </View>
      <Button className='button-primary' onClick={() => void Taro.navigateTo({ url: '/pages/checkin/index' })}>
        {TEXT.organizerCheckinEntry}
      </Button>
      <View className='card organizer__refusals'>
        <Text className='organizer__heading'>{TEXT.organizerRefusalsHeading}</Text>
        {organizesNothing ? (
          <Text className='muted' data-testid='organizer-only'>
            {TEXT.organizerOnly}
          </Text>
        ) : (
          <View>
            <Text className='muted organizer__hint'>{TEXT.organizerRefusalsHint}</Text>
            {organized.map((event) => (
              <EventRefusals key={event.id} event={event} />
            ))}
          </View>
        )}
      </View>
    </View>
  )
}
