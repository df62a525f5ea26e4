import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { IdRefusalView } from '../../../cloud/src/api/models'
import { formatMoment } from '../../format/time'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
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

/**
 * The ID-number refusals of one event (masked; released after the organizer checks the document
 * in person). The caller loads them (`loadRefusals`).
 */
export function IdRefusals({ eventId }: { eventId: string }) {
  const list = useOrganizerStore(selectRefusals(eventId))
  const loadRefusals = useOrganizerStore((s) => s.loadRefusals)
  let body
  if (!list || (list.status === 'loading' && list.refusals.length === 0)) body = <Text className='muted'>{TEXT.loading}</Text>
  else if (list.status === 'error' && list.error) {
    body = (
      <View>
        <Text className='error-text'>{errorMessage(list.error.code)}</Text>
        <Button className='button-secondary' size='mini' onClick={() => void loadRefusals(eventId)}>
          {TEXT.retry}
        </Button>
      </View>
    )
  } else if (list.refusals.length === 0) body = <Text className='muted'>{TEXT.organizerRefusalsEmpty}</Text>
  else body = list.refusals.map((refusal) => <RefusalRow key={refusal.id} eventId={eventId} refusal={refusal} />)
  return (
    <View className='card id-refusals'>
      <Text className='id-refusals__heading'>{TEXT.organizerRefusalsHeading}</Text>
      <Text className='muted id-refusals__hint'>{TEXT.organizerRefusalsHint}</Text>
      {body}
    </View>
  )
}
